package dev.warrant.adapters;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code x-mcp-header} rules of MCP 2026-07-28, in one place for both sides of the gateway: which arguments
 * of a tool a client mirrors into {@code Mcp-Param-<Name>} headers, and how a value is written. The adapters
 * use them to send the headers to a 2026 upstream ({@link ParamHeaders}); the gateway, to check an agent's.
 *
 * <p>Only annotations the revision allows count: a token name, unique without regard to case, on a {@code string},
 * {@code integer} or {@code boolean} property reached through {@code properties} alone. A schema that breaks
 * these rules has no valid bindings at all ({@link #of} answers null).
 */
public final class HeaderBindings {

    private static final String ANNOTATION = "x-mcp-header";
    private static final Set<String> TYPES = Set.of("string", "integer", "boolean");

    /** One annotated argument: the header's name as the schema spells it, and the argument's property path. */
    public record Binding(String header, List<String> path) {
    }

    private HeaderBindings() {
    }

    /** The schema's bindings, or null when any annotation is invalid. */
    public static List<Binding> of(Map<String, Object> inputSchema) {
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

    /** The argument at {@code path}, or null when absent. */
    public static Object valueAt(Map<String, Object> arguments, List<String> path) {
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
    public static String render(Object value) {
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
