package dev.warrant.gateway.transport;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;

import java.util.Locale;
import java.util.Set;

/**
 * DNS-rebinding protection (MCP Streamable HTTP security warning): a browser tricked into calling the
 * gateway sends a foreign Host or Origin. Requests whose Host is not one of ours are refused; a request
 * with an Origin must come from an allowed origin. Requests without Origin (non-browser agents) pass.
 */
public final class OriginPolicy {

    private final Set<String> allowedHosts;
    private final Set<String> allowedOrigins;

    /** @param allowedHosts lowercase host[:port] values; empty = no Host check (explicitly configured) */
    public OriginPolicy(Set<String> allowedHosts, Set<String> allowedOrigins) {
        this.allowedHosts = Set.copyOf(allowedHosts);
        this.allowedOrigins = Set.copyOf(allowedOrigins);
    }

    /** The loopback names a gateway bound to a loopback address answers to. */
    public static OriginPolicy loopback(int port) {
        Set<String> hosts = Set.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port);
        Set<String> origins = Set.of("http://127.0.0.1:" + port, "http://localhost:" + port, "http://[::1]:" + port,
                "https://127.0.0.1:" + port, "https://localhost:" + port, "https://[::1]:" + port);
        return new OriginPolicy(hosts, origins);
    }

    public void check(String host, String origin) {
        if (!allowedHosts.isEmpty() && (host == null || !allowedHosts.contains(host.toLowerCase(Locale.ROOT)))) {
            throw WarrantException.of(Reason.HOST_FORBIDDEN, "Host not allowed");
        }
        if (origin != null && !origin.equals("null") && !allowedOrigins.contains(origin.toLowerCase(Locale.ROOT))) {
            throw WarrantException.of(Reason.ORIGIN_FORBIDDEN, "Origin not allowed");
        }
        if ("null".equals(origin)) {
            throw WarrantException.of(Reason.ORIGIN_FORBIDDEN, "Origin not allowed");
        }
    }
}
