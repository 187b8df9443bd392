package dev.warrant.gateway.pipeline;

import java.util.Map;
import java.util.Optional;

/**
 * What the transport learned from the HTTP request that later stages need, copied out of Vert.x types so
 * stages stay testable and never touch the connection.
 *
 * @param authorization  the Authorization header, or null
 * @param sessionId      the Mcp-Session-Id header, or null
 * @param protocolVersion the MCP-Protocol-Version header, or null
 * @param traceHeaders   traceparent / tracestate / baggage headers present on the request
 * @param peer           the mTLS client identity (URI SAN), when the connection has a verified certificate
 */
public record HttpFacts(String authorization, String sessionId, String protocolVersion,
                        Map<String, String> traceHeaders, Optional<String> peer) {

    public HttpFacts {
        traceHeaders = traceHeaders == null ? Map.of() : Map.copyOf(traceHeaders);
        peer = peer == null ? Optional.empty() : peer;
    }
}
