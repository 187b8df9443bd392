package dev.warrant.adapters;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import java.util.concurrent.CompletableFuture;

/** Entry point: connects to an upstream described by an {@link UpstreamSpec}. */
public final class Upstreams {

    private Upstreams() {
    }

    /**
     * Opens the transport (starts the process, or prepares the HTTP client), sends {@code initialize}
     * (protocolVersion 2025-06-18, no client capabilities, clientInfo {@code warrant}) and, once it is
     * answered with a version the gateway can relay, {@code notifications/initialized}. The handshake waits
     * for the spec's request timeout, but at least 10 s (servers can be slow to start). On failure the transport is closed again and the future fails
     * with an {@link UpstreamException}.
     */
    public static CompletableFuture<Upstream> connect(UpstreamSpec spec) {
        McpJsonMapper json = McpJsonDefaults.getMapper();
        MessageChannel channel;
        if (spec instanceof StdioUpstreamSpec stdio) {
            channel = new StdioChannel(stdio, json);
        } else if (spec instanceof HttpUpstreamSpec http) {
            channel = new HttpChannel(http, json);
        } else {
            throw new IllegalArgumentException("unknown upstream kind: " + spec); // sealed: unreachable
        }
        return new JsonRpcUpstream(spec, channel).connect();
    }
}
