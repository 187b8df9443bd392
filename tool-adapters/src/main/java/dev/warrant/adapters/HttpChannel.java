package dev.warrant.adapters;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import io.modelcontextprotocol.spec.McpTransportSessionNotFoundException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * The Streamable HTTP transport: the SDK's {@link HttpClientStreamableHttpTransport} (JDK HttpClient),
 * used only as a message pipe. What it does for us, read from its 2.1.0 source:
 * <ul>
 *   <li>POSTs each message; a JSON or SSE response body is parsed into messages and handed to our inbound
 *       consumer; 202 completes the send.</li>
 *   <li>Remembers the {@code Mcp-Session-Id} of the initialize response, sends it on every later request,
 *       opens the GET stream for server-initiated messages once it has a session, and sends DELETE on
 *       close.</li>
 *   <li>Takes {@code MCP-Protocol-Version} from the Reactor context key
 *       {@link McpAsyncClient#NEGOTIATED_PROTOCOL_VERSION} (else its newest version), so every send writes
 *       the version agreed in our handshake into that context.</li>
 *   <li>Copies the configured {@link HttpRequest.Builder} for every POST, GET and DELETE: the spec's headers
 *       go there.</li>
 *   <li>A 404/400 on a request that carried a session id means the session is gone: it reports
 *       {@link McpTransportSessionNotFoundException} to the exception handler and starts a fresh,
 *       uninitialized session. We treat that as the connection ending.</li>
 * </ul>
 * Callbacks arrive on JDK HttpClient / Reactor threads.
 */
final class HttpChannel implements MessageChannel {

    private static final Logger log = LoggerFactory.getLogger(HttpChannel.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Reactor context key: the id of the request whose POST a message arrived on. */
    private static final String RELATED_REQUEST = "warrant.relatedRequest";

    private final HttpUpstreamSpec spec;
    private final HttpClientStreamableHttpTransport transport;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Context context = Context.of(McpAsyncClient.NEGOTIATED_PROTOCOL_VERSION, Handshake.PROTOCOL_VERSION);

    HttpChannel(HttpUpstreamSpec spec, McpJsonMapper json) {
        this.spec = spec;
        HttpRequest.Builder requests = HttpRequest.newBuilder();
        spec.headers().forEach(requests::header);
        URI url = spec.url();
        String origin = url.getScheme() + "://" + url.getRawAuthority();
        String endpoint = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        this.transport = HttpClientStreamableHttpTransport.builder(origin)
                .endpoint(endpoint)
                .jsonMapper(json)
                .requestBuilder(requests)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    @Override
    public CompletableFuture<Void> start(Consumer<JSONRPCMessage> inbound, Consumer<UpstreamException> lost) {
        return open((message, related) -> inbound.accept(message), lost);
    }

    /**
     * Correlation: the SDK transport subscribes our inbound handler inside the Reactor context of the
     * {@link #send} whose POST response carried the message (its {@code contextWrite(deliveredSink
     * .contextView())}), and the GET stream inside the handshake's. {@link #send} writes the request id
     * into that context, so the handler reads which request a message arrived for.
     */
    @Override
    public CompletableFuture<Void> open(CorrelatedInbound inbound, Consumer<UpstreamException> lost) {
        transport.setExceptionHandler(error -> {
            if (error instanceof McpTransportSessionNotFoundException && !closed.get()) {
                lost.accept(new UpstreamException(UpstreamException.Kind.UNAVAILABLE,
                        "upstream " + spec.name() + " no longer knows our session"));
            } else {
                // Failures of one POST already fail that send; a failing GET stream is optional in the spec.
                log.debug("upstream {} transport error: {}", spec.name(), error.toString());
            }
        });
        return transport.connect(messages -> Mono.deferContextual(ctx -> messages.doOnNext(
                message -> inbound.accept(message, ctx.<String>getOrDefault(RELATED_REQUEST, null)))))
                .toFuture();
    }

    @Override
    public boolean correlates() {
        return true;
    }

    @Override
    public CompletableFuture<Void> send(JSONRPCMessage message) {
        Context sendContext = context;
        // Not initialize: its context also carries the GET stream, whose messages belong to no call.
        if (message instanceof JSONRPCRequest request && !"initialize".equals(request.method())) {
            sendContext = sendContext.put(RELATED_REQUEST, String.valueOf(request.id()));
        }
        return transport.sendMessage(message)
                .contextWrite(sendContext)
                .toFuture()
                .exceptionallyCompose(error -> CompletableFuture.failedFuture(
                        new UpstreamException(UpstreamException.Kind.UNAVAILABLE,
                                "upstream " + spec.name() + " unreachable: " + rootMessage(error))));
    }

    @Override
    public void protocolVersion(String version) {
        context = Context.of(McpAsyncClient.NEGOTIATED_PROTOCOL_VERSION, version);
    }

    @Override
    public CompletableFuture<Void> close() {
        if (!closed.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        return transport.closeGracefully()
                .contextWrite(context)
                .toFuture()
                .exceptionally(error -> {
                    log.debug("upstream {}: closing the session failed: {}", spec.name(), error.toString());
                    return null;
                });
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
