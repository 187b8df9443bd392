package dev.warrant.adapters;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;

/** Entry point: connects to an upstream described by an {@link UpstreamSpec}. */
public final class Upstreams {

    private Upstreams() {
    }

    /**
     * A Streamable HTTP upstream is first asked {@code server/discover} at MCP 2026-07-28; when its result offers
     * that version it is spoken to in 2026-07-28, without handshake or session, and its {@code initializeResult()}
     * is made from the discover result (protocolVersion {@code 2026-07-28}); see {@link UpstreamEra}. Otherwise, and
     * for stdio and legacy SSE upstreams:
     *
     * <p>Opens the transport (starts the process, or prepares the HTTP client), sends {@code initialize}
     * (protocolVersion 2025-06-18, client capabilities sampling, elicitation and roots, which the gateway
     * relays to the calling agent; clientInfo {@code warrant}) and, once it is answered with a version the
     * gateway can relay, {@code notifications/initialized}. The handshake waits for the spec's request
     * timeout, but at least 10 s (servers can be slow to start). On failure the transport is closed again
     * and the future fails with an {@link UpstreamException}.
     *
     * <p>The upstream enforces {@link UpstreamSpec#maxConcurrent()} and is supervised
     * ({@link SupervisedUpstream}): once the first handshake succeeded, a connection that ends without
     * {@link Upstream#close()} (stdio process exited, SSE stream ended, HTTP session lost) is made again
     * with backoff until the upstream is closed.
     */
    public static CompletableFuture<Upstream> connect(UpstreamSpec spec) {
        return connect(spec, (Vertx) null);
    }

    /**
     * As {@link #connect(UpstreamSpec)}, with the Streamable HTTP transport on {@code vertx}'s event loops
     * (null: the adapters' own instance). A caller that sends from those event loops (the gateway, handling an
     * agent's request) then makes the upstream request on the same thread, with no hop between threads; see
     * {@link HttpSession}. Closing {@code vertx} before the upstream is closed fails its requests.
     */
    public static CompletableFuture<Upstream> connect(UpstreamSpec spec, Vertx vertx) {
        return connect(spec, Backoff.DEFAULT, vertx);
    }

    static CompletableFuture<Upstream> connect(UpstreamSpec spec, Backoff backoff) {
        return connect(spec, backoff, null);
    }

    static CompletableFuture<Upstream> connect(UpstreamSpec spec, Backoff backoff, Vertx vertx) {
        return SupervisedUpstream.start(spec, () -> connectOnce(spec, vertx), backoff.copy())
                .thenApply(LimitedUpstream::new);
    }

    private static CompletableFuture<Upstream> connectOnce(UpstreamSpec spec, Vertx vertx) {
        McpJsonMapper json = McpJsonDefaults.getMapper();
        MessageChannel channel;
        if (spec instanceof StdioUpstreamSpec stdio) {
            channel = new StdioChannel(stdio, json);
        } else if (spec instanceof HttpUpstreamSpec http) {
            return UpstreamEra.connect(http, json, vertx);
        } else if (spec instanceof SseUpstreamSpec sse) {
            channel = new SseChannel(sse, json);
        } else {
            throw new IllegalArgumentException("unknown upstream kind: " + spec); // sealed: unreachable
        }
        return new JsonRpcUpstream(spec, channel).connect();
    }
}
