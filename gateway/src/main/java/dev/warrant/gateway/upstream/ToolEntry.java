package dev.warrant.gateway.upstream;

import dev.warrant.policies.RiskTier;

import java.util.Map;

/**
 * One upstream tool as agents see it on {@code /mcp}.
 *
 * @param server      the upstream's name (the namespace)
 * @param name        the tool's name at the upstream
 * @param exposedName {@code server__name}
 * @param definition  the upstream's tool object, untouched (schemas, annotations, icons, unknown fields)
 * @param risk        from config, else from the tool's annotations
 */
public record ToolEntry(String server, String name, String exposedName, Map<String, Object> definition,
                        RiskTier risk) {

    public static final String SEPARATOR = "__";

    public static String expose(String server, String name) {
        return server + SEPARATOR + name;
    }
}
