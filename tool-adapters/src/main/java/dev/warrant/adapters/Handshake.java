package dev.warrant.adapters;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The client side of MCP's initialize exchange: what we offer and what we accept back. */
final class Handshake {

    /** The version we ask for. */
    static final String PROTOCOL_VERSION = "2025-06-18";

    /** Versions whose wire format the gateway can relay; a server may answer with any of them. */
    static final Set<String> ACCEPTED_VERSIONS = Set.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25");

    static final String CLIENT_NAME = "warrant";

    /**
     * What the gateway can relay to the agent whose call is in flight (CallRelay). One connection serves
     * every agent, so we offer the union; a request for a capability the calling agent did not declare is
     * answered -32601 by the gateway. No roots.listChanged: agents' roots differ, there is no one list.
     * Elicitation offers form mode only (2025-11-25 reads an empty object as form).
     */
    static final Map<String, Object> CLIENT_CAPABILITIES = Map.of(
            "sampling", Map.of(),
            "elicitation", Map.of(),
            "roots", Map.of());

    /** Who we are; a 2026 upstream is told it on every request, so it is made once. */
    private static final Map<String, Object> CLIENT_INFO = Map.of("name", CLIENT_NAME, "version", clientVersion());

    /**
     * Starting a server (a JVM, npx resolving a package) can take longer than a tool call may; the handshake
     * waits at least this long, or the request timeout if that is longer.
     */
    static final Duration MIN_TIMEOUT = Duration.ofSeconds(10);

    private Handshake() {
    }

    static Duration timeout(Duration requestTimeout) {
        return requestTimeout.compareTo(MIN_TIMEOUT) > 0 ? requestTimeout : MIN_TIMEOUT;
    }

    static Map<String, Object> initializeParams() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("protocolVersion", PROTOCOL_VERSION);
        params.put("capabilities", CLIENT_CAPABILITIES);
        params.put("clientInfo", clientInfo());
        return params;
    }

    /** Who we are to an upstream, in either era. */
    static Map<String, Object> clientInfo() {
        return CLIENT_INFO;
    }

    /** Checks the server's answer and returns the agreed protocol version. */
    static String acceptedVersion(String upstream, Map<String, Object> result) {
        Object version = result.get("protocolVersion");
        if (!(version instanceof String) || !ACCEPTED_VERSIONS.contains(version)) {
            throw new UpstreamException(UpstreamException.Kind.PROTOCOL,
                    "upstream " + upstream + " answered initialize with unsupported protocolVersion " + version);
        }
        if (!(result.get("capabilities") instanceof Map)) {
            throw new UpstreamException(UpstreamException.Kind.PROTOCOL,
                    "upstream " + upstream + " answered initialize without capabilities");
        }
        return (String) version;
    }

    private static String clientVersion() {
        String version = Handshake.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
