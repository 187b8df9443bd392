package dev.warrant.gateway.modern;

import dev.warrant.adapters.HeaderBindings;
import dev.warrant.adapters.ModernWire;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code Mcp-Param-*} headers of a 2026-07-28 {@code tools/call}, checked against its arguments. A tool's
 * {@code inputSchema} marks an argument for a header with {@code "x-mcp-header": "<Name>"}; the client then sends
 * {@code Mcp-Param-<Name>} with the argument's value, so that load balancers and gateways can route on it. A
 * header that disagrees with the argument would let a router and the tool see different requests: HTTP 400
 * {@link Reason#HEADER_MISMATCH}, and the call has no effect.
 *
 * <p>Which annotations count is {@link HeaderBindings}' to say (the adapters send the same headers upstream); a tool
 * whose schema breaks those rules is one a client must not call with headers, so none are required for it.
 */
public final class ParamHeaders {

    private ParamHeaders() {
    }

    /**
     * @param inputSchema the tool's input schema as its upstream listed it (may be null)
     * @param arguments   the call's arguments
     * @param headers     the request's {@code Mcp-Param-*} values by lower-cased name, still encoded
     */
    public static void check(Map<String, Object> inputSchema, JsonObject arguments, Map<String, String> headers) {
        List<HeaderBindings.Binding> bindings = inputSchema == null ? null : HeaderBindings.of(inputSchema);
        if (bindings == null) {
            return;
        }
        Map<String, Object> args = arguments.getMap();
        for (HeaderBindings.Binding binding : bindings) {
            String name = binding.header().toLowerCase(Locale.ROOT);
            Object value = HeaderBindings.valueAt(args, binding.path());
            String header = headers.get(name);
            if (value == null) {
                if (header != null) {
                    throw mismatch("Mcp-Param-" + binding.header() + " is sent but its argument is absent");
                }
                continue;
            }
            if (header == null) {
                throw mismatch("Mcp-Param-" + binding.header() + " is missing");
            }
            String sent = ModernWire.decode(header).orElse(null);
            if (sent == null || !matches(sent, value)) {
                throw mismatch("Mcp-Param-" + binding.header() + " does not match the argument");
            }
        }
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

    private static WarrantException mismatch(String detail) {
        return WarrantException.of(Reason.HEADER_MISMATCH, detail);
    }
}
