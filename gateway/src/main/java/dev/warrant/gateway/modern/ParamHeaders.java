package dev.warrant.gateway.modern;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code Mcp-Param-*} headers of a 2026-07-28 {@code tools/call}, checked against its arguments. A tool's
 * {@code inputSchema} marks an argument for a header with {@code "x-mcp-header": "<Name>"}; the client then sends
 * {@code Mcp-Param-<Name>} with the argument's value, so that load balancers and gateways can route on it. A
 * header that disagrees with the argument would let a router and the tool see different requests: HTTP 400
 * {@link Reason#HEADER_MISMATCH}, and the call has no effect.
 *
 * <p>Only annotations the revision allows count: a non-empty token name, unique without regard to case, on a
 * {@code string}, {@code integer} or {@code boolean} property reached through {@code properties} alone. A tool
 * whose schema breaks these rules is one a client must not call with headers, so none are required for it.
 */
public final class ParamHeaders {

    private static final String ANNOTATION = "x-mcp-header";
    private static final List<String> TYPES = List.of("string", "integer", "boolean");

    private ParamHeaders() {
    }

    /** One annotated argument: its header name (lower-cased) and its path of property names. */
    record Binding(String header, List<String> path) {
    }

    /**
     * @param inputSchema the tool's input schema as its upstream listed it (may be null)
     * @param arguments   the call's arguments
     * @param headers     the request's {@code Mcp-Param-*} values by lower-cased name, still encoded
     */
    public static void check(Map<String, Object> inputSchema, JsonObject arguments, Map<String, String> headers) {
        List<Binding> bindings = bindings(inputSchema);
        if (bindings == null) {
            return;
        }
        for (Binding binding : bindings) {
            Object value = valueAt(arguments, binding.path());
            String header = headers.get(binding.header());
            if (value == null) {
                if (header != null) {
                    throw mismatch("Mcp-Param-" + binding.header() + " is sent but its argument is absent");
                }
                continue;
            }
            if (header == null) {
                throw mismatch("Mcp-Param-" + binding.header() + " is missing");
            }
            String sent = HeaderValues.decode(header).orElse(null);
            if (sent == null || !matches(sent, value)) {
                throw mismatch("Mcp-Param-" + binding.header() + " does not match the argument");
            }
        }
    }

    /** The schema's valid bindings, or null when any annotation is invalid (then the tool gets none). */
    static List<Binding> bindings(Map<String, Object> inputSchema) {
        List<Binding> found = new java.util.ArrayList<>();
        if (!collect(inputSchema, List.of(), found)) {
            return null;
        }
        Set<String> names = new HashSet<>();
        for (Binding b : found) {
            if (!names.add(b.header())) {
                return null;
            }
        }
        return found;
    }

    private static boolean collect(Map<String, Object> schema, List<String> path, List<Binding> found) {
        if (schema == null) {
            return true;
        }
        Object annotation = schema.get(ANNOTATION);
        if (annotation != null) {
            if (path.isEmpty() || !(annotation instanceof String name) || !isToken(name)
                    || !TYPES.contains(schema.get("type"))) {
                return false;
            }
            found.add(new Binding(name.toLowerCase(Locale.ROOT), path));
        }
        if (schema.get("properties") instanceof Map<?, ?> properties) {
            for (Map.Entry<?, ?> e : properties.entrySet()) {
                if (e.getValue() instanceof Map<?, ?> child && e.getKey() instanceof String key) {
                    List<String> next = new java.util.ArrayList<>(path);
                    next.add(key);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> c = (Map<String, Object>) child;
                    if (!collect(c, List.copyOf(next), found)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static Object valueAt(JsonObject arguments, List<String> path) {
        Object current = arguments;
        for (String key : path) {
            if (!(current instanceof JsonObject o)) {
                return null;
            }
            current = o.getValue(key);
        }
        return current;
    }

    private static boolean matches(String sent, Object value) {
        if (value instanceof String s) {
            return s.equals(sent);
        }
        if (value instanceof Boolean b) {
            return b.toString().equals(sent);
        }
        if (value instanceof Number n) {
            try {
                // 42 and 42.0 are one integer: compare numbers, not spellings.
                return new BigDecimal(n.toString()).compareTo(new BigDecimal(sent)) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return false;
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

    private static WarrantException mismatch(String detail) {
        return WarrantException.of(Reason.HEADER_MISMATCH, detail);
    }
}
