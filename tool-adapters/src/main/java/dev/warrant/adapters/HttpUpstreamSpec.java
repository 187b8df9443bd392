package dev.warrant.adapters;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An upstream MCP server reached over Streamable HTTP.
 *
 * @param url the MCP endpoint, e.g. {@code http://127.0.0.1:3001/mcp}
 * @param headers sent on every request (POST, GET and DELETE): the upstream's credentials from the gateway's
 *     configuration. The agent's token is never here.
 */
public record HttpUpstreamSpec(String name, URI url, Map<String, String> headers, Duration requestTimeout)
        implements UpstreamSpec {

    /**
     * Headers the transport owns (MCP framing) or the JDK HttpClient refuses; configuring them would either
     * break the protocol or fail on the first request, so they fail here instead.
     */
    private static final Set<String> RESERVED = Set.of("accept", "content-type", "content-length", "connection",
            "expect", "host", "upgrade", "cache-control", "mcp-session-id", "mcp-protocol-version",
            "last-event-id");

    public HttpUpstreamSpec {
        SpecChecks.name(name);
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("url must be an absolute http(s) URL: " + url);
        }
        if (url.getRawUserInfo() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("url must not carry user info or a fragment: " + url);
        }
        headers = Map.copyOf(headers == null ? Map.of() : headers);
        for (String header : headers.keySet()) {
            if (header.isBlank() || RESERVED.contains(header.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header may not be configured: " + header);
            }
        }
        SpecChecks.timeout(requestTimeout);
    }

    /** Headers may carry credentials: keep their values out of logs. */
    @Override
    public String toString() {
        return "HttpUpstreamSpec[name=" + name + ", url=" + url + ", headers=" + headers.keySet()
                + ", requestTimeout=" + requestTimeout + "]";
    }
}
