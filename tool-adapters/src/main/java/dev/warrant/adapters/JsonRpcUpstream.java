package dev.warrant.adapters;

import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCNotification;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse.JSONRPCError;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our own small JSON-RPC client session over a {@link MessageChannel}: id allocation and correlation,
 * progress routing, timeouts, cancellation, server-to-client requests, and the MCP handshake.
 *
 * <p>Concurrency: the pending table is a concurrent map and removal from it is the single point that
 * decides who completes a call. Inbound messages arrive on the channel's thread ({@link #onMessage});
 * timeouts on {@link CallDeadlines}' thread; cancel and close on the caller's thread. None of them blocks.
 */
final class JsonRpcUpstream implements Upstream, CallDeadlines.Watched {

    private static final Logger log = LoggerFactory.getLogger(JsonRpcUpstream.class);
    private static final String PROGRESS = "notifications/progress";

    private enum State { CONNECTING, OPEN, CLOSED }

    private final UpstreamSpec spec;
    private final MessageChannel channel;
    private final AtomicLong lastId = new AtomicLong();
    private final Map<String, PendingCall> pending = new ConcurrentHashMap<>();
    private final List<UpstreamListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<State> state = new AtomicReference<>(State.CONNECTING);
    private volatile Map<String, Object> initializeResult = Map.of();

    JsonRpcUpstream(UpstreamSpec spec, MessageChannel channel) {
        this.spec = spec;
        this.channel = channel;
    }

    /** Opens the channel and performs initialize + notifications/initialized. Closes itself on failure. */
    CompletableFuture<Upstream> connect() {
        CallDeadlines.watch(this);
        return channel.open(this::onMessage, this::shutdown)
                .thenCompose(started -> send("initialize", Handshake.initializeParams(), null, null,
                        Handshake.timeout(spec.requestTimeout())).result())
                .thenCompose(result -> {
                    channel.protocolVersion(Handshake.acceptedVersion(spec.name(), result));
                    initializeResult = Collections.unmodifiableMap(result);
                    if (!state.compareAndSet(State.CONNECTING, State.OPEN)) {
                        throw unavailable("closed during the handshake");
                    }
                    return channel.send(new JSONRPCNotification("notifications/initialized", null));
                })
                .<Upstream>thenApply(initialized -> this)
                .exceptionallyCompose(error -> closeAsync()
                        .thenCompose(closed -> CompletableFuture.failedFuture(asUpstreamException(error))));
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
        return open(method, params, progress, progress instanceof CallRelay relay ? relay : null);
    }

    private UpstreamCall open(String method, Map<String, Object> params, Consumer<JsonRpcNotification> progress,
            CallRelay relay) {
        if (state.get() != State.OPEN) {
            PendingCall refused = new PendingCall(this, "-", method, null, null, null, Duration.ZERO);
            refused.fail(unavailable("is not open"));
            return refused;
        }
        return send(method, params, progress, relay, spec.requestTimeout());
    }

    private PendingCall send(String method, Map<String, Object> params, Consumer<JsonRpcNotification> progress,
            CallRelay relay, Duration timeout) {
        String id = "warrant-" + lastId.incrementAndGet();
        Object callerToken = ProgressTokens.find(params);
        // The upstream token is the request id: unique on this connection, whatever token the agent chose.
        Map<String, Object> wireParams = callerToken == null ? params : ProgressTokens.withToken(params, id);
        PendingCall call = new PendingCall(this, id, method, callerToken, progress, relay, timeout);
        pending.put(id, call);
        if (state.get() == State.CLOSED && pending.remove(id, call)) {
            call.fail(unavailable("is closed")); // lost the race with shutdown(), which may not have seen it
            return call;
        }
        channel.send(new JSONRPCRequest(method, id, wireParams)).whenComplete((sent, error) -> {
            if (error != null && pending.remove(id, call)) {
                call.fail(asUpstreamException(error));
            }
        });
        return call;
    }

    /** Abandons the calls past their deadline at {@code nowNanos}; {@link CallDeadlines} calls it. */
    @Override
    public void expire(long nowNanos) {
        for (PendingCall call : pending.values()) {
            if (call.expired(nowNanos)) {
                abandon(call, UpstreamException.Kind.TIMEOUT, "no response within " + call.timeoutMillis() + " ms");
            }
        }
    }

    /** Gives up on a call (timeout or cancel) and tells the upstream, unless it already completed. */
    void abandon(PendingCall call, UpstreamException.Kind kind, String reason) {
        if (!pending.remove(call.upstreamId(), call)) {
            return;
        }
        call.fail(new UpstreamException(kind, call.method() + " " + call.upstreamId() + " to " + spec.name()
                + (kind == UpstreamException.Kind.TIMEOUT ? " timed out: " : " cancelled: ") + reason));
        // The protocol forbids cancelling initialize; a failed handshake closes the connection instead.
        if (!"initialize".equals(call.method())) {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("requestId", call.upstreamId());
            params.put("reason", reason);
            notify("notifications/cancelled", params).whenComplete((sent, error) -> {
                if (error != null) {
                    log.debug("could not send notifications/cancelled to {}: {}", spec.name(), error.toString());
                }
            });
        }
    }

    @Override
    public CompletableFuture<Void> notify(String method, Map<String, Object> params) {
        if (state.get() == State.CLOSED) {
            return CompletableFuture.failedFuture(unavailable("is closed"));
        }
        return channel.send(new JSONRPCNotification(method, params));
    }

    @Override
    public void addListener(UpstreamListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeListener(UpstreamListener listener) {
        listeners.remove(listener);
    }

    @Override
    public boolean isOpen() {
        return state.get() == State.OPEN;
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        shutdown(unavailable("was closed"));
        return channel.close();
    }

    @Override
    public void close() {
        try {
            closeAsync().get(StdioChannel.GRACE.toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("closing upstream {} did not finish cleanly: {}", spec.name(), e.toString());
        }
    }

    /** The connection ended (or is being ended): fail what is in flight, tell the listeners, once. */
    private void shutdown(UpstreamException cause) {
        if (state.getAndSet(State.CLOSED) == State.CLOSED) {
            return;
        }
        CallDeadlines.unwatch(this);
        log.info("upstream {} closed: {}", spec.name(), cause.getMessage());
        pending.forEach((id, call) -> {
            if (pending.remove(id, call)) {
                call.fail(cause);
            }
        });
        for (UpstreamListener listener : listeners) {
            try {
                listener.onClosed(cause);
            } catch (RuntimeException e) {
                log.warn("listener of upstream {} failed in onClosed", spec.name(), e);
            }
        }
        channel.close();
    }

    // ---- inbound, on the channel's thread -------------------------------------------------------------

    private void onMessage(JSONRPCMessage message, String relatedRequestId) {
        try {
            if (message instanceof JSONRPCResponse response) {
                onResponse(response);
            } else if (message instanceof JSONRPCRequest request) {
                ServerRequests.answer(this, request,
                        CallRouting.route(pending, relatedRequestId, channel.correlates()), listeners);
            } else if (message instanceof JSONRPCNotification notification) {
                onNotification(notification, relatedRequestId);
            }
        } catch (RuntimeException e) {
            // Never let one bad message or callback kill the reader.
            log.warn("upstream {}: failed to handle an inbound message", spec.name(), e);
        }
    }

    private void onResponse(JSONRPCResponse response) {
        PendingCall call = response.id() == null ? null : pending.remove(String.valueOf(response.id()));
        if (call == null) {
            // Normal after a timeout or cancel; anything else is the upstream's bug.
            log.debug("upstream {}: response for unknown or finished request {}", spec.name(), response.id());
            return;
        }
        JSONRPCError error = response.error();
        if (error != null) {
            call.fail(UpstreamException.errorResponse(error.code(), error.message(), error.data()));
        } else if (response.result() instanceof Map) {
            call.complete(ProgressTokens.asMap(response.result()));
        } else {
            call.fail(new UpstreamException(UpstreamException.Kind.PROTOCOL,
                    "upstream " + spec.name() + " answered " + call.method() + " with a non-object result"));
        }
    }

    private void onNotification(JSONRPCNotification notification, String relatedRequestId) {
        Map<String, Object> params = ProgressTokens.asMap(notification.params());
        if (PROGRESS.equals(notification.method())) {
            // Route only to the call that owns the token; progress nobody owns is dropped, never broadcast.
            PendingCall call = params.get(ProgressTokens.TOKEN) instanceof String token ? pending.get(token) : null;
            if (call != null && call.wantsProgress()) {
                call.progress(params);
            } else {
                log.debug("upstream {}: progress for unknown token dropped", spec.name());
            }
            return;
        }
        JsonRpcNotification event = new JsonRpcNotification(notification.method(), params);
        if (!CallRouting.upstreamWide(event.method())) {
            PendingCall call = CallRouting.route(pending, relatedRequestId, channel.correlates()).call();
            if (call != null) {
                call.related(event);
                return;
            }
        }
        for (UpstreamListener listener : listeners) {
            try {
                listener.onNotification(event);
            } catch (RuntimeException e) {
                log.warn("listener of upstream {} failed on {}", spec.name(), event.method(), e);
            }
        }
    }

    /** Sends an answer to a server-to-client request. */
    void respond(JSONRPCResponse response) {
        channel.send(response).whenComplete((sent, error) -> {
            if (error != null) {
                log.debug("upstream {}: could not answer request {}: {}", spec.name(), response.id(),
                        error.toString());
            }
        });
    }

    private UpstreamException unavailable(String what) {
        return new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "upstream " + spec.name() + " " + what);
    }

    static UpstreamException asUpstreamException(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException || cause instanceof ExecutionException) {
            if (cause.getCause() == null) {
                break;
            }
            cause = cause.getCause();
        }
        return cause instanceof UpstreamException upstream ? upstream
                : new UpstreamException(UpstreamException.Kind.UNAVAILABLE, String.valueOf(cause.getMessage()));
    }
}
