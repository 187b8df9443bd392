package dev.warrant.adapters;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code Mcp-Param-*} headers a 2026-07-28 {@code tools/call} must carry: a tool's {@code inputSchema} marks an
 * argument with {@code "x-mcp-header": "<Name>"}, and the client mirrors that argument's value into
 * {@code Mcp-Param-<Name>}. The schemas come from the upstream's own {@code tools/list} answers, remembered per tool
 * name (the last listing wins).
 *
 * <p>Only annotations the revision allows count: a token name, unique without regard to case, on a {@code string},
 * {@code integer} or {@code boolean} property reached through {@code properties} alone. A tool whose schema breaks
 * these rules gets no headers (docs/ARCHITECTURE.md §11.24).
 *
 * <p>Concurrency: a concurrent map of immutable binding lists.
 */
final class ParamHeaders {

    private static final Logger log = LoggerFactory.getLogger(ParamHeaders.class);
    private static final String ANNOTATION = "x-mcp-header";
    private static final Set<String> TYPES = Set.of("string", "integer", "boolean");

    /** One annotated argument: the header's name as the schema spells it, and the argument's property path. */
    record Binding(String header, List<String> path) {
    }

    private final String upstream;
    private final Map<String, List<Binding>> byTool = new ConcurrentHashMap<>();

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
                List<Binding> bindings = bindings(ProgressTokens.asMap(t.get("inputSchema")));
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
        List<Binding> bindings = byTool.get(name);
        if (bindings == null || bindings.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> arguments = ProgressTokens.asMap(callParams.get("arguments"));
        Map<String, String> headers = new LinkedHashMap<>();
        for (Binding binding : bindings) {
            String value = render(valueAt(arguments, binding.path()));
            if (value != null) {
                headers.put(ModernWire.HEADER_PARAM_PREFIX + binding.header(), ModernWire.encode(value));
            }
        }
        return headers;
    }

    /** The schema's bindings, or null when any annotation is invalid. */
    static List<Binding> bindings(Map<String, Object> inputSchema) {
        List<Binding> found = new ArrayList<>();
        if (!collect(inputSchema, List.of(), found)) {
            return null;
        }
        Set<String> names = new HashSet<>();
        for (Binding binding : found) {
            if (!names.add(binding.header().toLowerCase(Locale.ROOT))) {
                return null;
            }
        }
        return List.copyOf(found);
    }

    private static boolean collect(Map<String, Object> schema, List<String> path, List<Binding> found) {
        Object annotation = schema.get(ANNOTATION);
        if (annotation != null) {
            if (path.isEmpty() || !(annotation instanceof String name) || !isToken(name)
                    || !TYPES.contains(schema.get("type"))) {
                return false;
            }
            found.add(new Binding(name, path));
        }
        if (schema.get("properties") instanceof Map<?, ?> properties) {
            for (Map.Entry<?, ?> property : properties.entrySet()) {
                if (property.getKey() instanceof String key && property.getValue() instanceof Map<?, ?> child) {
                    List<String> next = new ArrayList<>(path);
                    next.add(key);
                    if (!collect(ProgressTokens.asMap(child), List.copyOf(next), found)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static Object valueAt(Map<String, Object> arguments, List<String> path) {
        Object current = arguments;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> object)) {
                return null;
            }
            current = object.get(key);
        }
        return current;
    }

    /** String as is, integer in decimal, boolean true/false; anything else (absent, null, objects) has no header. */
    static String render(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Boolean b) {
            return b.toString();
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            return value.toString();
        }
        if (value instanceof Number n) {
            try {
                // 42.0 is the integer 42 (a JSON reader may hand either); a fraction is sent as written.
                BigDecimal decimal = new BigDecimal(n.toString());
                return decimal.stripTrailingZeros().scale() <= 0 ? decimal.toBigInteger().toString() : n.toString();
            } catch (NumberFormatException notFinite) {
                return null;
            }
        }
        return null;
    }

    /** An RFC 9110 token: visible ASCII without separators. */
    private static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7F || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }
}
