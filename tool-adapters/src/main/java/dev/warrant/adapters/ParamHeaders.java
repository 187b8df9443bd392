package dev.warrant.adapters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code Mcp-Param-*} headers a 2026-07-28 {@code tools/call} must carry: a tool's {@code inputSchema} marks an
 * argument with {@code "x-mcp-header": "<Name>"}, and the client mirrors that argument's value into
 * {@code Mcp-Param-<Name>}. The schemas come from the upstream's own {@code tools/list} answers, remembered per tool
 * name (the last listing wins).
 *
 * <p>Which annotations count is {@link HeaderBindings}'; a tool whose schema breaks those rules gets no headers
 * (docs/ARCHITECTURE.md §11.24).
 *
 * <p>Concurrency: a concurrent map of immutable binding lists.
 */
final class ParamHeaders {

    private static final Logger log = LoggerFactory.getLogger(ParamHeaders.class);
    private final String upstream;
    private final Map<String, List<HeaderBindings.Binding>> byTool = new ConcurrentHashMap<>();

    ParamHeaders(String upstream) {
        this.upstream = upstream;
    }

    /** Remembers the header bindings of every tool in one {@code tools/list} result (one page). */
    void learn(Map<String, Object> toolsListResult) {
        if (!(toolsListResult.get("tools") instanceof List<?> tools)) {
            return;
        }
        for (Object tool : tools) {
            if (tool instanceof Map<?, ?> t && t.get("name") instanceof String name) {
                List<HeaderBindings.Binding> bindings = HeaderBindings.of(ProgressTokens.asMap(t.get("inputSchema")));
                if (bindings == null) {
                    log.warn("upstream {}: tool {} has an invalid x-mcp-header annotation; its calls carry no "
                            + "Mcp-Param headers", upstream, name);
                    bindings = List.of();
                }
                byTool.put(name, bindings);
            }
        }
    }

    /** The headers for a {@code tools/call} with these params (name and values encoded); empty if none apply. */
    Map<String, String> headers(Map<String, Object> callParams) {
        if (callParams == null || !(callParams.get("name") instanceof String name)) {
            return Map.of();
        }
        List<HeaderBindings.Binding> bindings = byTool.get(name);
        if (bindings == null || bindings.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> arguments = ProgressTokens.asMap(callParams.get("arguments"));
        Map<String, String> headers = new LinkedHashMap<>();
        for (HeaderBindings.Binding binding : bindings) {
            String value = HeaderBindings.render(HeaderBindings.valueAt(arguments, binding.path()));
            if (value != null) {
                headers.put(ModernWire.HEADER_PARAM_PREFIX + binding.header(), ModernWire.encode(value));
            }
        }
        return headers;
    }
}
