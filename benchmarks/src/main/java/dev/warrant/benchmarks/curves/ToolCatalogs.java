package dev.warrant.benchmarks.curves;

import dev.warrant.gateway.upstream.ToolCatalogView;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Catalogs of N registered tools as the gateway builds them ({@link ToolCatalogView#withServer}, one upstream at a
 * time): up to 100 tools per upstream, each with a description, an input schema and annotations like a real MCP
 * tool. The first upstream is {@code notes} and holds the curves' {@code read_note}.
 */
final class ToolCatalogs {
    static final int TOOLS_PER_SERVER = 100;

    private ToolCatalogs() {}

    static ToolCatalogView withTools(int tools) {
        ToolCatalogView view = ToolCatalogView.empty();
        int servers = (tools + TOOLS_PER_SERVER - 1) / TOOLS_PER_SERVER;
        for (int s = 0; s < servers; s++) {
            String server = s == 0 ? CurveTokens.SERVER : "server-" + s;
            List<Map<String, Object>> defs = new ArrayList<>();
            for (int t = 0; t < TOOLS_PER_SERVER && s * TOOLS_PER_SERVER + t < tools; t++) {
                defs.add(tool(s == 0 && t == 0 ? CurveTokens.TOOL : "tool_" + t, t % 4 == 3));
            }
            view = view.withServer(server, defs, Map.of());
        }
        if (view.size() != tools) {
            throw new IllegalStateException("catalog has " + view.size() + " tools, wanted " + tools);
        }
        return view;
    }

    static Map<String, Object> tool(String name, boolean destructive) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("path", Map.of("type", "string", "description", "absolute path of the note"));
        props.put("max_bytes", Map.of("type", "integer", "minimum", 1));
        Map<String, Object> def = new LinkedHashMap<>();
        def.put("name", name);
        def.put("description", "Reads or changes one note; " + name + " of a realistic upstream.");
        def.put("inputSchema", Map.of("type", "object", "properties", props, "required", List.of("path")));
        def.put("annotations", destructive ? Map.of("destructiveHint", true) : Map.of("readOnlyHint", true));
        return def;
    }
}
