package dev.warrant.loadtest;

/** The paths a call can take to the same echo server. */
enum Scenario {
    DIRECT("direct", "echo server over HTTP, called directly (no hop)"),
    PROXY("proxy", "through a bare Vert.x pass-through proxy (vertx-web-proxy, no auth)"),
    WARRANT_HTTP("warrant-http", "through `warrant serve` to the HTTP server (delegated token, 21 policy statements, audit on)"),
    WARRANT_JWT("warrant-jwt", "through `warrant serve` to the HTTP server, the agent presenting an RS256 JWT from a loopback issuer "
            + "(verified, mapped and minted on first use, then cached; same policies, audit)"),
    WARRANT_STDIO("warrant-stdio", "through `warrant serve` to the stdio server (same token, policies, audit)"),
    PEER_STDIO("supergateway-stdio", "through supergateway 4.0.0 --stateful to the stdio server (no authorization)"),
    DIRECT_2026("direct-2026", "MCP 2026-07-28: the same echo server speaking 2026-07-28, called directly with 2026 requests"),
    PROXY_2026("proxy-2026", "MCP 2026-07-28: the same pass-through proxy in front of that 2026 server, 2026 requests"),
    WARRANT_2026("warrant-2026", "MCP 2026-07-28: a 2026 agent through `warrant serve` to that 2026 server (same token, policies, audit)");

    final String id;
    final String description;

    Scenario(String id, String description) {
        this.id = id;
        this.description = description;
    }

    static Scenario byId(String id) {
        for (Scenario s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario '" + id + "' (known: "
                + java.util.Arrays.stream(values()).map(s -> s.id).collect(java.util.stream.Collectors.joining(", "))
                + ")");
    }

    /** Whether the agent speaks MCP 2026-07-28 (no handshake, the envelope in every request). */
    boolean modern() {
        return this == DIRECT_2026 || this == PROXY_2026 || this == WARRANT_2026;
    }
}
