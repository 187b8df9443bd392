package dev.warrant.adapters;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCNotification;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Streamable HTTP transport (MCP 2025-03-26 and later), our own, on the Vert.x HttpClient (HTTP/1.1,
 * keep-alive pool, TCP_NODELAY). Why, and what it does like the SDK's transport and beyond it: docs/ARCHITECTURE.md
 * §11.1 (measurements: docs/PERFORMANCE-HISTORY.md).
 *
 * <p>Concurrency: a message sent from an event loop of the channel's Vert.x instance is POSTed on that event
 * loop and its response handled there (see {@link HttpSession}: no hop between threads on the hot path); every
 * other request (sends from other threads, the GET stream, resumptions, DELETE) is made and handled on the
 * channel's home context. Each stream is read in order on one thread; the GET stream state is touched only on
 * the home context. Inbound handlers ({@link JsonRpcUpstream}) are quick, thread-safe and never block: they
 * complete futures and start sends, so delivering on an event loop is safe. Callers' threads only serialize
 * and hop.
 *
 * <p>The parts: {@link HttpSession} (endpoint, client, session id and protocol
 * version headers, closed and lost state), {@link PostExchange} (one POST and its JSON or SSE answer, resumed
 * if need be), {@link ServerStream} (the GET stream and its reconnection), {@link HttpInbound} (parsing and
 * delivering what arrives). This class keeps the {@link MessageChannel} contract, the wiring and the close.
 */
final class HttpChannel implements MessageChannel {

    private static final Logger log = LoggerFactory.getLogger(HttpChannel.class);
    /** The same bound as a stdio line: one message (JSON body or SSE event). */
    static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    /** The longest wait before reopening or resuming a stream (POST resumption and GET backoff). */
    static final long STREAM_RETRY_MAX_MILLIS = 30_000;
    private static final long DELETE_TIMEOUT_MILLIS = 2_000;

    private final McpJsonMapper json;
    private final HttpSession session;
    private final HttpInbound inbound;
    private final ServerStream stream;
    private final CompletableFuture<Void> closeDone = new CompletableFuture<>();

    HttpChannel(HttpUpstreamSpec spec, McpJsonMapper json, Vertx vertx) {
        this(new HttpSession(spec, vertx), json);
    }

    /** On a session nobody has sent a message on yet but the era probe ({@link UpstreamEra}). */
    HttpChannel(HttpSession session, McpJsonMapper json) {
        this.json = json;
        this.session = session;
        this.inbound = new HttpInbound(session.name(), json);
        this.stream = new ServerStream(session, inbound);
    }

    @Override
    public CompletableFuture<Void> start(Consumer<JSONRPCMessage> inbound, Consumer<UpstreamException> lost) {
        return open((message, related) -> inbound.accept(message), lost);
    }

    @Override
    public CompletableFuture<Void> open(CorrelatedInbound inbound, Consumer<UpstreamException> lost) {
        this.inbound.handler(inbound);
        session.onLost(lost);
        return CompletableFuture.completedFuture(null); // HTTP has nothing to open before the first POST
    }

    @Override
    public boolean correlates() {
        return true;
    }

    @Override
    public CompletableFuture<Void> send(JSONRPCMessage message) {
        if (session.closed()) {
            return CompletableFuture.failedFuture(session.unavailable("is closed"));
        }
        String body;
        try {
            body = JsonRpcMessages.write(json, message);
        } catch (UpstreamException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> sent = new CompletableFuture<>();
        PostExchange exchange = new PostExchange(session, inbound, message, sent);
        session.runNearCaller(() -> exchange.post(body));
        if (message instanceof JSONRPCNotification n && "notifications/initialized".equals(n.method())) {
            // The session is initialized now: the server may talk to us outside any request.
            sent.thenRun(() -> session.run(stream::listen));
        }
        return sent;
    }

    @Override
    public void protocolVersion(String version) {
        session.protocolVersion(version);
    }

    @Override
    public CompletableFuture<Void> close() {
        if (!session.close()) {
            return closeDone;
        }
        session.run(() -> {
            stream.stop();
            String id = session.id();
            Future<?> deleted = id == null ? Future.succeededFuture()
                    : session.client().request(session.request(HttpMethod.DELETE, id)
                                    .setTimeout(DELETE_TIMEOUT_MILLIS))
                            .compose(HttpClientRequest::send)
                            .onSuccess(response -> {
                                if (response.statusCode() / 100 != 2 && response.statusCode() != 404
                                        && response.statusCode() != 405) {
                                    log.debug("upstream {} answered DELETE with HTTP {}", session.name(),
                                            response.statusCode());
                                }
                            });
            deleted.transform(ignored -> session.closeClients()).onComplete(ignored -> closeDone.complete(null));
        });
        // A caller on one of our event loops (the home context's included) must not wait for work queued behind
        // it, or blocked by it.
        return session.onOurEventLoop() ? CompletableFuture.completedFuture(null) : closeDone;
    }
}
