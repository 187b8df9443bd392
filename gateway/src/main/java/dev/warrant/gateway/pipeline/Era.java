package dev.warrant.gateway.pipeline;

/**
 * The MCP era a message was sent in (docs/ARCHITECTURE.md §2.7). Both are served on one endpoint and chosen
 * per request by the transport.
 */
public enum Era {
    /** 2024-11-05 to 2025-11-25: {@code initialize}, sessions, the GET stream, server-to-client requests. */
    LEGACY,
    /** 2026-07-28 and later: stateless; version and client capabilities in each request's {@code _meta}. */
    MODERN
}
