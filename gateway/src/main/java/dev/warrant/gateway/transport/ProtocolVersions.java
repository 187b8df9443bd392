package dev.warrant.gateway.transport;

import dev.warrant.gateway.pipeline.Era;

import java.util.List;
import java.util.stream.Stream;

/** MCP protocol versions the agent endpoint speaks (docs/ARCHITECTURE.md §2.7), newest first. */
public final class ProtocolVersions {

    private ProtocolVersions() {
    }

    /** The newest version negotiated by {@code initialize} (2025 era). */
    public static final String LATEST = "2025-11-25";

    /** The version assumed when a client sends no MCP-Protocol-Version header (spec 2025-06-18 §transports). */
    public static final String ASSUMED_WITHOUT_HEADER = "2025-03-26";

    /** Versions of the 2025 era: {@code initialize} and sessions. */
    public static final List<String> SUPPORTED = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");

    /** Versions of the 2026 era: no handshake, the version in each request's {@code _meta}. */
    public static final List<String> MODERN = List.of("2026-07-28");

    /** Every version this endpoint serves, newest first: what an unsupported-version error names. */
    public static final List<String> ALL = Stream.concat(MODERN.stream(), SUPPORTED.stream()).toList();

    public static boolean isSupported(String version) {
        return version != null && SUPPORTED.contains(version);
    }

    public static boolean isModern(String version) {
        return version != null && MODERN.contains(version);
    }

    /** Served in either era. */
    public static boolean isServed(String version) {
        return version != null && ALL.contains(version);
    }

    /** Version negotiation: the client's version when we speak it, else our latest (the client then decides). */
    public static String negotiate(String requested) {
        return requested != null && isSupported(requested) ? requested : LATEST;
    }

    /**
     * The era of a POSTed message: 2026 when its header names a version that is not a 2025 one, or its
     * {@code _meta} carries a protocol version (a 2025 client sends neither).
     */
    public static Era eraOf(String headerVersion, boolean metaHasVersion) {
        if (metaHasVersion) {
            return Era.MODERN;
        }
        return headerVersion != null && !isSupported(headerVersion) ? Era.MODERN : Era.LEGACY;
    }
}
