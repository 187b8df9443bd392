package dev.warrant.gateway.pipeline;

import dev.warrant.gateway.auth.BearerMemo;

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
 * @param era            the MCP era the transport read the message as
 * @param routing        the 2026-07-28 routing headers ({@code Mcp-Method}, {@code Mcp-Name}, {@code Mcp-Param-*})
 * @param connectionMemo the last bearer token verified on the connection the message came on, for a message that
 *                       names no session (every 2026-07-28 one: docs/ARCHITECTURE.md §11.39); null when none
 */
public record HttpFacts(String authorization, String sessionId, String protocolVersion,
                        Map<String, String> traceHeaders, Optional<String> peer, Era era, RoutingHeaders routing,
                        BearerMemo connectionMemo) {

    public HttpFacts {
        traceHeaders = traceHeaders == null ? Map.of() : Map.copyOf(traceHeaders);
        peer = peer == null ? Optional.empty() : peer;
        era = era == null ? Era.LEGACY : era;
        routing = routing == null ? RoutingHeaders.NONE : routing;
    }

    /** A 2025-era message (no routing headers). */
    public HttpFacts(String authorization, String sessionId, String protocolVersion, Map<String, String> traceHeaders,
                     Optional<String> peer) {
        this(authorization, sessionId, protocolVersion, traceHeaders, peer, Era.LEGACY, RoutingHeaders.NONE, null);
    }

    public boolean modern() {
        return era == Era.MODERN;
    }

    /** The same facts read as another era (the transport decides the era once the body is parsed). */
    public HttpFacts withEra(Era era) {
        return new HttpFacts(authorization, sessionId, protocolVersion, traceHeaders, peer, era, routing, connectionMemo);
    }
}
