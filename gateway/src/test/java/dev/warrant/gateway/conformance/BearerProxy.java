package dev.warrant.gateway.conformance;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP proxy that adds {@code Authorization: Bearer <token>} to every request: the conformance suite
 * cannot send headers, the gateway requires a token. Everything else passes unchanged and streamed (SSE),
 * including the Host header the suite sent, so the gateway's DNS-rebinding check sees what a browser would send.
 */
final class BearerProxy implements AutoCloseable {

    /** Per-connection headers, never forwarded (RFC 9110 §7.6.1). */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "te",
            "trailer", "upgrade", "proxy-connection");

    private final Vertx vertx = Vertx.vertx();
    private final HttpClient client = vertx.createHttpClient();
    private final HttpServer server;
    private final String authorization;
    private volatile int targetPort;

    BearerProxy(String token) throws Exception {
        this.authorization = "Bearer " + token;
        this.server = vertx.createHttpServer().requestHandler(this::forward)
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    int port() {
        return server.actualPort();
    }

    /** The gateway's port is known only after it started, and it must be told the proxy's port first. */
    void target(int port) {
        this.targetPort = port;
    }

    private void forward(HttpServerRequest in) {
        in.pause();
        RequestOptions options = new RequestOptions().setMethod(in.method()).setURI(in.uri())
                .setServer(SocketAddress.inetSocketAddress(targetPort, "127.0.0.1"));
        in.headers().forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase()) && !h.getKey().equalsIgnoreCase("authorization")) {
                options.addHeader(h.getKey(), h.getValue());
            }
        });
        options.putHeader(HttpHeaders.AUTHORIZATION, authorization);
        client.request(options)
                .compose(out -> out.send(in))
                .onSuccess(response -> relay(response, in.response()))
                .onFailure(e -> {
                    if (!in.response().headWritten()) {
                        in.response().setStatusCode(502).end("proxy: " + e.getMessage());
                    }
                });
    }

    private static void relay(HttpClientResponse from, HttpServerResponse to) {
        to.setStatusCode(from.statusCode());
        from.headers().forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase())) {
                to.headers().add(h.getKey(), h.getValue());
            }
        });
        if (!to.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            to.setChunked(true);
        }
        // Closing either side ends the other: the suite tests stream closes and resumption.
        to.closeHandler(v -> from.request().reset());
        from.pipeTo(to);
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
