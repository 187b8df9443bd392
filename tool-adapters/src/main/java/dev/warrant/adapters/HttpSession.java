package dev.warrant.adapters;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * What every request of one {@link HttpChannel} shares: where the upstream is, the clients and the event-loop
 * contexts requests run on, the {@code Mcp-Session-Id} and {@code MCP-Protocol-Version} headers, whether the
 * channel is closed, and reporting the session as lost (once).
 *
 * <p>Where requests run: a message sent from an event loop of the channel's Vert.x instance (the gateway's,
 * when it passed its own to {@link Upstreams#connect(UpstreamSpec, Vertx)}) is POSTed right there, with a client
 * of that event loop's own, so the agent's request, the upstream exchange and the answer stay on one thread.
 * Two thread hops less per call (docs/PERFORMANCE-HISTORY.md). One client per event loop because the pool
 * picks the most recently used connection whatever its event loop, and a connection of another loop would put
 * the hops back. Everything else (the GET stream, resumptions, DELETE, sends from other threads) runs on the
 * channel's home context.
 */
final class HttpSession {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /** Below Node's default server keep-alive (5 s): never reuse a connection the server is about to close. */
    private static final int KEEP_ALIVE_SECONDS = 4;

    private final HttpUpstreamSpec spec;
    private final Vertx vertx;
    private final Context context;
    private final HttpClient client;
    /** Clients of the event loops that sent messages themselves (see the class comment), by event-loop thread. */
    private final Map<Thread, HttpClient> loopClients = new ConcurrentHashMap<>();
    private final String host;
    private final int port;
    private final boolean ssl;
    private final String path;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean lostReported = new AtomicBoolean();
    private volatile String sessionId;
    private volatile String protocolVersion = Handshake.PROTOCOL_VERSION;
    private volatile Consumer<UpstreamException> lost = error -> { };

    /** @param vertx the Vert.x instance to run on, or null for the adapters' own ({@link AdapterVertx}) */
    HttpSession(HttpUpstreamSpec spec, Vertx vertx) {
        this.spec = spec;
        this.vertx = vertx == null ? AdapterVertx.vertx() : vertx;
        this.context = vertx == null ? AdapterVertx.newContext() : ((VertxInternal) vertx).createEventLoopContext();
        URI url = spec.url();
        this.ssl = "https".equalsIgnoreCase(url.getScheme());
        String rawHost = url.getHost();
        this.host = rawHost.startsWith("[") ? rawHost.substring(1, rawHost.length() - 1) : rawHost;
        this.port = url.getPort() >= 0 ? url.getPort() : ssl ? 443 : 80;
        this.path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        this.client = newClient();
    }

    private HttpClient newClient() {
        return vertx.createHttpClient(new HttpClientOptions()
                        .setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
                        .setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
                        .setTcpNoDelay(true)
                        .setName("warrant-upstream-" + spec.name()),
                // A call's SSE response holds its connection while the answers to the upstream's requests made
                // during that call need their own; plus the GET stream.
                new PoolOptions().setHttp1MaxSize(spec.maxConcurrent() * 2 + 2));
    }

    String name() {
        return spec.name();
    }

    /**
     * The client to make a request with on the current thread: the current event loop's own when it belongs
     * to our Vert.x instance (its connections live on that loop), else the home context's.
     */
    HttpClient client() {
        if (Vertx.currentContext() != context && onOurEventLoop()) {
            Thread loop = Thread.currentThread();
            HttpClient own = loopClients.get(loop);
            if (own == null && !closed.get()) {
                own = loopClients.computeIfAbsent(loop, ignored -> newClient());
            }
            if (own != null) {
                return own;
            }
        }
        return client;
    }

    /** Every client made so far (home first), for closing. */
    List<HttpClient> clients() {
        List<HttpClient> all = new ArrayList<>();
        all.add(client);
        all.addAll(loopClients.values());
        return all;
    }

    Context context() {
        return context;
    }

    /** True on an event-loop thread of the Vert.x instance this session runs on. */
    boolean onOurEventLoop() {
        ContextInternal current = (ContextInternal) Vertx.currentContext();
        return current != null && current.isEventLoopContext() && current.owner() == vertx
                && Context.isOnEventLoopThread();
    }

    /** Runs {@code task} on the home context. */
    void run(Runnable task) {
        context.runOnContext(v -> task.run());
    }

    /**
     * Runs {@code task} right here when the caller is on one of our event loops (a message sent by the gateway
     * while it handles an agent's request), else on the home context.
     */
    void runNearCaller(Runnable task) {
        if (onOurEventLoop()) {
            task.run();
        } else {
            run(task);
        }
    }

    /** Runs {@code task} on the context after {@code delayMillis}. */
    void later(long delayMillis, Runnable task) {
        vertx.setTimer(delayMillis, id -> context.runOnContext(v -> task.run()));
    }

    /** The session id the server gave us, or null before the initialize response (or if it gives none). */
    String id() {
        return sessionId;
    }

    /** Keeps the {@code Mcp-Session-Id} of the first response that has one (the initialize response). */
    void adopt(String id) {
        if (id != null && sessionId == null) {
            sessionId = id;
        }
    }

    void protocolVersion(String version) {
        protocolVersion = version;
    }

    void onLost(Consumer<UpstreamException> lost) {
        this.lost = Objects.requireNonNull(lost, "lost");
    }

    boolean closed() {
        return closed.get();
    }

    /** Marks the channel closed; true only for the first call. */
    boolean close() {
        return closed.compareAndSet(false, true);
    }

    /** A request to the upstream's endpoint with the spec's headers, the protocol version and {@code session}. */
    RequestOptions request(HttpMethod method, String session) {
        RequestOptions options = endpoint(method);
        spec.headers().forEach(options::putHeader);
        options.putHeader("MCP-Protocol-Version", protocolVersion);
        if (session != null) {
            options.putHeader("Mcp-Session-Id", session);
        }
        return options;
    }

    /** A request to the upstream's endpoint without any header. */
    RequestOptions endpoint(HttpMethod method) {
        return new RequestOptions().setMethod(method).setHost(host).setPort(port).setSsl(ssl).setURI(path)
                .setFollowRedirects(false);
    }

    /**
     * A 2026-07-28 POST: the configured headers, then the revision's (so configuration cannot replace them) and
     * {@code routing} ({@code Mcp-Method}, {@code Mcp-Name}, ...). No session: 2026 has none.
     */
    RequestOptions modernPost(Map<String, String> routing) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        spec.headers().forEach(headers::set);
        headers.set("Content-Type", HttpResponses.APPLICATION_JSON);
        headers.set("Accept", HttpResponses.APPLICATION_JSON + ", " + HttpResponses.EVENT_STREAM);
        headers.set(ModernWire.HEADER_VERSION, ModernWire.VERSION);
        routing.forEach(headers::set);
        return endpoint(HttpMethod.POST).setHeaders(headers);
    }

    /** Closes every client made so far; completes when they are closed. */
    Future<Void> closeClients() {
        return Future.all(clients().stream().map(HttpClient::close).toList()).mapEmpty();
    }

    /** The server answered 404 to a request that carried our session id: reported once, unless we closed. */
    void lost() {
        if (!closed.get() && lostReported.compareAndSet(false, true)) {
            lost.accept(unavailable("no longer knows our session"));
        }
    }

    UpstreamException unavailable(String what) {
        return new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "upstream " + spec.name() + " " + what);
    }

    UpstreamException protocol(String what) {
        return new UpstreamException(UpstreamException.Kind.PROTOCOL, "upstream " + spec.name() + " " + what);
    }
}
