package dev.warrant.adapters;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Streamable HTTP upstream that speaks MCP 2026-07-28: no handshake and no session. Each call is one POST
 * carrying the envelope in {@code params._meta} and the routing headers ({@link ModernCall},
 * {@link ModernExchange}); what the upstream is comes from its {@code server/discover} result ({@link Discovery});
 * its list changes arrive on one {@code subscriptions/listen} stream ({@link ModernListen}).
 *
 * <p>Results pass untouched, {@code resultType} included: an {@code input_required} result is the caller's to
 * answer. {@code logging/setLevel}, which 2026 removed, is kept here: the level is asked for on each request, as a
 * 2025 session would have remembered it. Notifications to the upstream complete at once: 2026 defines none from a
 * client over HTTP. A {@code tools/call} refused for its headers is retried once ({@link HeaderMismatchRetry}); an
 * answer of -32022 (the version is no longer served) ends this upstream, so that the supervisor probes again.
 *
 * <p>Concurrency: calls in flight are in a concurrent map; each completes once (see {@link ModernCall}). Its I/O
 * runs as {@link HttpSession} describes; callbacks run on those event loops or on {@link CallDeadlines}' thread.
 */
final class ModernHttpUpstream implements Upstream, CallDeadlines.Watched {

    private static final Logger log = LoggerFactory.getLogger(ModernHttpUpstream.class);
    /** What we ask for when no level was set: everything, as a 2025 session that never set one receives. */
    private static final String DEFAULT_LOG_LEVEL = "debug";
    /** JSON-RPC UnsupportedProtocolVersion (2026-07-28). */
    private static final int UNSUPPORTED_VERSION = -32022;

    private final HttpUpstreamSpec spec;
    private final HttpSession session;
    private final McpJsonMapper json;
    private final ParamHeaders paramHeaders;
    private final AtomicLong lastId = new AtomicLong();
    private final Map<String, ModernCall> inFlight = new ConcurrentHashMap<>();
    private final List<UpstreamListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closeDone = new CompletableFuture<>();
    private volatile Discovery discovery;
    private volatile Map<String, Object> initializeResult = Map.of();
    private volatile String logLevel = DEFAULT_LOG_LEVEL;
    private volatile ModernListen listen;
    private volatile ModernResourceSubscriptions resources;

    ModernHttpUpstream(HttpUpstreamSpec spec, HttpSession session, McpJsonMapper json) {
        this.spec = spec;
        this.session = session;
        this.json = json;
        this.paramHeaders = new ParamHeaders(spec.name());
    }

    /** Sends {@code server/discover} and reports what came back, whatever it was ({@link UpstreamEra} decides). */
    CompletableFuture<UpstreamEra.Probe> discover(Duration timeout) {
        ModernCall call = send("server/discover", Map.of(), null, timeout);
        ScheduledFuture<?> deadline = Timers.schedule(timeout, call::timeOut);
        return call.outcome().handle((result, error) -> {
            deadline.cancel(false);
            return new UpstreamEra.Probe(result, error == null ? null : JsonRpcUpstream.asUpstreamException(error),
                    call.httpStatus());
        });
    }

    /**
     * Opens this upstream as {@code discovery} describes it: deadlines watched, list changes listened for. Called
     * once, before anyone else holds this upstream.
     */
    Upstream open(Discovery discovery) {
        this.discovery = Objects.requireNonNull(discovery, "discovery");
        this.initializeResult = discovery.initializeResult();
        CallDeadlines.watch(this);
        resources = new ModernResourceSubscriptions(session, json, this::broadcast, spec.requestTimeout());
        Map<String, Object> filter = discovery.listenFilter();
        if (!filter.isEmpty()) {
            ModernListen stream = new ModernListen(session, json, filter, this::broadcast);
            listen = stream;
            stream.start();
        }
        return this;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public UpstreamSpec spec() {
        return spec;
    }

    @Override
    public Map<String, Object> initializeResult() {
        return initializeResult;
    }

    @Override
    public UpstreamCall call(String method, Map<String, Object> params, Consumer<JsonRpcNotification> progress) {
        if (!isOpen()) {
            return new FailedCall(unavailable(closed.get() ? "is closed" : "is not open"));
        }
        if ("logging/setLevel".equals(method) && params != null && params.get("level") instanceof String level) {
            logLevel = level;
            return new AnsweredHere(CompletableFuture.completedFuture(Map.of()));
        }
        if (method.startsWith("resources/") && method.endsWith("subscribe") && params != null
                && params.get("uri") instanceof String uri) {
            // Gone at 2026-07-28: the URI joins (or leaves) the resourceSubscriptions of a listen stream.
            return new AnsweredHere("resources/subscribe".equals(method) ? resources.subscribe(uri)
                    : resources.unsubscribe(uri));
        }
        ModernCall call = send(method, params, progress, spec.requestTimeout());
        if (!"tools/call".equals(method)) {
            return call;
        }
        return new HeaderMismatchRetry(call, () -> ToolCatalog.listTools(this),
                () -> send(method, params, progress, spec.requestTimeout()));
    }

    private ModernCall send(String method, Map<String, Object> params, Consumer<JsonRpcNotification> progress,
            Duration timeout) {
        String id = "warrant-" + lastId.incrementAndGet();
        Object callerToken = ProgressTokens.find(params);
        ModernCall call = new ModernCall(this, id, method, callerToken, progress, timeout);
        String body;
        try {
            body = JsonRpcMessages.write(json, new JSONRPCRequest(method, id,
                    ModernParams.of(params, callerToken == null ? null : id, askedLogLevel())));
        } catch (UpstreamException e) {
            call.fail(e);
            return call;
        }
        inFlight.put(id, call);
        call.outcome().whenComplete((result, error) -> {
            inFlight.remove(id, call);
            if (discovery != null && error instanceof UpstreamException e && e.code() != null
                    && e.code() == UNSUPPORTED_VERSION) {
                // It no longer speaks 2026-07-28 (replaced by an older server): end, so the supervisor probes again.
                shutdown(unavailable("no longer speaks " + ModernWire.VERSION + ": " + e.getMessage()));
            }
        });
        if (closed.get()) {
            call.abort(unavailable("is closed")); // lost the race with closeAsync(), which may not have seen it
            return call;
        }
        call.send(new ModernExchange(session, json, call, body, routing(method, params)));
        return call;
    }

    private Map<String, String> routing(String method, Map<String, Object> params) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(ModernWire.HEADER_METHOD, method);
        String name = ModernWire.nameHeader(method, params);
        if (name != null) {
            headers.put(ModernWire.HEADER_NAME, name);
        }
        if ("tools/call".equals(method)) {
            headers.putAll(paramHeaders.headers(params));
        }
        return headers;
    }

    /** Asked on every request but discover: 2026 sends log messages only to a request that names a level. */
    private String askedLogLevel() {
        return discovery != null ? logLevel : null;
    }

    /** A call's result arrived (before its caller sees it): tool listings teach the {@code Mcp-Param-*} headers. */
    void answered(String method, Map<String, Object> result) {
        if ("tools/list".equals(method)) {
            paramHeaders.learn(result);
        }
    }

    /** A notification about the upstream as a whole: to every listener. */
    void broadcast(JsonRpcNotification notification) {
        for (UpstreamListener listener : listeners) {
            try {
                listener.onNotification(notification);
            } catch (RuntimeException e) {
                log.warn("listener of upstream {} failed on {}", spec.name(), notification.method(), e);
            }
        }
    }

    @Override
    public void expire(long nowNanos) {
        for (ModernCall call : inFlight.values()) {
            if (call.expired(nowNanos)) {
                call.timeOut();
            }
        }
    }

    @Override
    public CompletableFuture<Void> notify(String method, Map<String, Object> params) {
        return closed.get() ? CompletableFuture.failedFuture(unavailable("is closed"))
                : CompletableFuture.completedFuture(null);
    }

    @Override
    public void addListener(UpstreamListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeListener(UpstreamListener listener) {
        listeners.remove(listener);
    }

    @Override
    public boolean isOpen() {
        return discovery != null && !closed.get();
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        return shutdown(unavailable("was closed"));
    }

    /** Ends this upstream once: calls in flight fail with {@code cause}, listeners hear it, clients close. */
    private CompletableFuture<Void> shutdown(UpstreamException cause) {
        if (!closed.compareAndSet(false, true)) {
            return closeDone;
        }
        CallDeadlines.unwatch(this);
        session.close();
        inFlight.values().forEach(call -> call.abort(cause));
        ModernListen stream = listen;
        if (stream != null) {
            stream.stop();
        }
        ModernResourceSubscriptions subscriptions = resources;
        if (subscriptions != null) {
            subscriptions.stop();
        }
        if (discovery != null) {
            log.info("upstream {} closed: {}", spec.name(), cause.getMessage());
            for (UpstreamListener listener : listeners) {
                try {
                    listener.onClosed(cause);
                } catch (RuntimeException e) {
                    log.warn("listener of upstream {} failed in onClosed", spec.name(), e);
                }
            }
        }
        session.run(() -> session.closeClients().onComplete(ignored -> closeDone.complete(null)));
        // A caller on one of our event loops must not wait for work queued behind it.
        return session.onOurEventLoop() ? CompletableFuture.completedFuture(null) : closeDone;
    }

    @Override
    public void close() {
        try {
            closeAsync().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("closing upstream {} did not finish cleanly: {}", spec.name(), e.toString());
        }
    }

    private UpstreamException unavailable(String what) {
        return session.unavailable(what);
    }

    /** A call answered without asking the upstream. */
    private record AnsweredHere(CompletableFuture<Map<String, Object>> result) implements UpstreamCall {

        @Override
        public String upstreamId() {
            return "-";
        }

        @Override
        public void cancel(String reason) {
            // nothing was sent
        }
    }
}
