package dev.warrant.gateway.pipeline;

import java.util.Map;
import java.util.Set;

/**
 * The 2026-07-28 routing headers of one POST, as sent (values still encoded; see
 * {@link dev.warrant.gateway.modern.HeaderValues}). Header names are matched without regard to case.
 *
 * @param method     {@code Mcp-Method}, or null
 * @param name       {@code Mcp-Name}, or null
 * @param params     every {@code Mcp-Param-<x>} header by its lower-cased {@code <x>}
 * @param duplicated lower-cased names of routing headers sent more than once (always a mismatch)
 */
public record RoutingHeaders(String method, String name, Map<String, String> params, Set<String> duplicated) {

    public static final RoutingHeaders NONE = new RoutingHeaders(null, null, Map.of(), Set.of());

    public RoutingHeaders {
        params = params == null ? Map.of() : Map.copyOf(params);
        duplicated = duplicated == null ? Set.of() : Set.copyOf(duplicated);
    }
}
