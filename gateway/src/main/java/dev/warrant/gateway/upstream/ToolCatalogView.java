package dev.warrant.gateway.upstream;

import dev.warrant.policies.RiskTier;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of all upstream tools, keyed by exposed name. Replaced wholesale when an upstream's
 * tool list changes, so readers on event loops never see a half-updated catalog.
 *
 * <p>{@link #all()} is in exposed-name order on every member and after every restart, so list pages and their
 * cursors mean the same wherever they are served ({@code Map.copyOf} alone iterates in a per-JVM order).
 */
public final class ToolCatalogView {

    private final Map<String, ToolEntry> byExposedName;
    private final List<ToolEntry> sorted;

    private ToolCatalogView(Map<String, ToolEntry> byExposedName) {
        this.byExposedName = byExposedName;
        this.sorted = byExposedName.values().stream()
                .sorted(java.util.Comparator.comparing(ToolEntry::exposedName)).toList();
    }

    public static ToolCatalogView empty() {
        return new ToolCatalogView(Map.of());
    }

    public ToolEntry find(String exposedName) {
        return exposedName == null ? null : byExposedName.get(exposedName);
    }

    public Collection<ToolEntry> all() {
        return sorted;
    }

    public int size() {
        return byExposedName.size();
    }

    /** This snapshot with one server's tools replaced. */
    public ToolCatalogView withServer(String server, List<Map<String, Object>> tools, Map<String, RiskTier> riskOverrides) {
        Map<String, ToolEntry> next = new LinkedHashMap<>();
        byExposedName.forEach((k, v) -> {
            if (!v.server().equals(server)) {
                next.put(k, v);
            }
        });
        for (Map<String, Object> tool : tools) {
            if (!(tool.get("name") instanceof String name) || name.isEmpty()) {
                continue; // an upstream tool without a name cannot be called; skip rather than fail the server
            }
            RiskTier risk = riskOverrides.containsKey(name)
                    ? riskOverrides.get(name)
                    : RiskTier.fromAnnotations(asMap(tool.get("annotations")));
            String exposed = ToolEntry.expose(server, name);
            next.put(exposed, new ToolEntry(server, name, exposed, tool, risk));
        }
        return new ToolCatalogView(Map.copyOf(next));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> asMap(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, ?>) m : null;
    }
}
