package dev.warrant.adapters;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/** Validation shared by the {@link UpstreamSpec} records, so a spec that exists is a usable spec. */
final class SpecChecks {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    private SpecChecks() {
    }

    static String name(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("upstream name must match [a-z0-9][a-z0-9_-]{0,31}: " + name);
        }
        // The gateway exposes tools as server__tool; a "__" inside the server name would make that ambiguous.
        if (name.contains("__")) {
            throw new IllegalArgumentException("upstream name must not contain \"__\": " + name);
        }
        return name;
    }

    static int maxConcurrent(int maxConcurrent) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1: " + maxConcurrent);
        }
        return maxConcurrent;
    }

    /**
     * Headers the HTTP transports own (MCP framing) or the JDK HttpClient refuses; configuring them would
     * either break the protocol or fail on the first request, so they fail here instead.
     */
    private static final Set<String> RESERVED_HEADERS = Set.of("accept", "content-type", "content-length",
            "connection", "expect", "host", "upgrade", "cache-control", "mcp-session-id", "mcp-protocol-version",
            "last-event-id");

    static Map<String, String> headers(Map<String, String> headers) {
        Map<String, String> copy = Map.copyOf(headers == null ? Map.of() : headers);
        for (String header : copy.keySet()) {
            if (header.isBlank() || RESERVED_HEADERS.contains(header.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header may not be configured: " + header);
            }
        }
        return copy;
    }

    static URI httpUrl(URI url) {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("url must be an absolute http(s) URL: " + url);
        }
        if (url.getRawUserInfo() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("url must not carry user info or a fragment: " + url);
        }
        return url;
    }

    static Duration timeout(Duration timeout) {
        Objects.requireNonNull(timeout, "requestTimeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("requestTimeout must be positive: " + timeout);
        }
        return timeout;
    }
}
