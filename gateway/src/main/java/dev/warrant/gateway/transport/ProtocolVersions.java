package dev.warrant.gateway.transport;

import java.util.List;

/** MCP protocol versions the agent endpoint speaks (docs/ARCHITECTURE.md §6), newest first. */
public final class ProtocolVersions {

    private ProtocolVersions() {
    }

    public static final String LATEST = "2025-11-25";

    /** The version assumed when a client sends no MCP-Protocol-Version header (spec 2025-06-18 §transports). */
    public static final String ASSUMED_WITHOUT_HEADER = "2025-03-26";

    public static final List<String> SUPPORTED = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");

    public static boolean isSupported(String version) {
        return SUPPORTED.contains(version);
    }

    /** Version negotiation: the client's version when we speak it, else our latest (the client then decides). */
    public static String negotiate(String requested) {
        return requested != null && isSupported(requested) ? requested : LATEST;
    }
}
