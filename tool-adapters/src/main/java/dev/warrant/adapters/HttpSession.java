package dev.warrant.adapters;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * What every request of one {@link HttpChannel} shares: where the upstream is, the client and the event-loop
 * context everything runs on, the {@code Mcp-Session-Id} and {@code MCP-Protocol-Version} headers, whether the
 * channel is closed, and reporting the session as lost (once).
 */
final class HttpSession {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /** Below Node's default server keep-alive (5 s): never reuse a connection the server is about to close. */
    private static final int KEEP_ALIVE_SECONDS = 4;

    private final HttpUpstreamSpec spec;
    private final Vertx vertx;
    private final Context context;
    private final HttpClient client;
    private final String host;
    private final int port;
    private final boolean ssl;
    private final String path;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean lostReported = new AtomicBoolean();
    private volatile String sessionId;
    private volatile String protocolVersion = Handshake.PROTOCOL_VERSION;
    private volatile Consumer<UpstreamException> lost = error -> { };

    HttpSession(HttpUpstreamSpec spec) {
        this.spec = spec;
        this.vertx = AdapterVertx.vertx();
        this.context = AdapterVertx.newContext();
        URI url = spec.url();
        this.ssl = "https".equalsIgnoreCase(url.getScheme());
        String rawHost = url.getHost();
        this.host = rawHost.startsWith("[") ? rawHost.substring(1, rawHost.length() - 1) : rawHost;
        this.port = url.getPort() >= 0 ? url.getPort() : ssl ? 443 : 80;
        this.path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        this.client = vertx.createHttpClient(new HttpClientOptions()
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

    HttpClient client() {
        return client;
    }

    Context context() {
        return context;
    }

    /** Runs {@code task} on the context. */
    void run(Runnable task) {
        context.runOnContext(v -> task.run());
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
        RequestOptions options = new RequestOptions().setMethod(method).setHost(host).setPort(port).setSsl(ssl)
                .setURI(path).setFollowRedirects(false);
        spec.headers().forEach(options::putHeader);
        options.putHeader("MCP-Protocol-Version", protocolVersion);
        if (session != null) {
            options.putHeader("Mcp-Session-Id", session);
        }
        return options;
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
