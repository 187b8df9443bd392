package dev.warrant.gateway.builtin;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The gateway's own tools, by exposed name. The namespace {@value #NAMESPACE} is reserved for them. */
public final class BuiltinTools {

    public static final String NAMESPACE = "warrant";

    private final Map<String, BuiltinTool> byName = new LinkedHashMap<>();

    public BuiltinTools(List<BuiltinTool> tools) {
        for (BuiltinTool tool : tools) {
            if (!tool.name().startsWith(NAMESPACE + "__")) {
                throw new IllegalArgumentException("built-in tool outside the warrant__ namespace: " + tool.name());
            }
            if (byName.putIfAbsent(tool.name(), tool) != null) {
                throw new IllegalArgumentException("duplicate built-in tool " + tool.name());
            }
        }
    }

    public BuiltinTool find(String exposedName) {
        return exposedName == null ? null : byName.get(exposedName);
    }

    public Collection<BuiltinTool> all() {
        return byName.values();
    }
}
