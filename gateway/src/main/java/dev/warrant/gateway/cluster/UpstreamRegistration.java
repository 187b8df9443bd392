package dev.warrant.gateway.cluster;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;

/**
 * One upstream a tool provider registered through the admin API, as stored in the cluster map. Only
 * Streamable HTTP upstreams can be registered this way (never stdio: that would run commands on every
 * gateway host). Header values are templates such as {@code "Bearer ${env:WARRANT_UPSTREAM_ACME_TOKEN}"}:
 * the map never holds a secret, each member fills in its own environment when it connects.
 *
 * @param name               the upstream name (tool prefix)
 * @param url                the MCP endpoint
 * @param headers            header name to value template (every value references an environment variable)
 * @param timeoutMillis      per-request timeout
 * @param registeredBy       the caller whose token registered it (for listing and logs)
 * @param registeredAtMillis when; also the registration's stamp in the last-writer-wins order (see
 *                           {@link UpstreamState}), so the directory may move it forward past an earlier entry
 * @param id                 unique per registration, so members and the API tell a replacement from a repeat
 */
public record UpstreamRegistration(String name, String url, Map<String, String> headers, long timeoutMillis,
                                   String registeredBy, long registeredAtMillis, String id) implements Serializable {

    public UpstreamRegistration {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        // Sorted: the serialized form is then the same on every JVM (the map compares values as bytes).
        headers = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(headers == null ? Map.of() : headers));
        Objects.requireNonNull(registeredBy, "registeredBy");
        Objects.requireNonNull(id, "id");
    }

    /** The same registration with another stamp. */
    public UpstreamRegistration restamped(long atMillis) {
        return new UpstreamRegistration(name, url, headers, timeoutMillis, registeredBy, atMillis, id);
    }
}
