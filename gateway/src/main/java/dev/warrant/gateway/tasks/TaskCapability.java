package dev.warrant.gateway.tasks;

import dev.warrant.adapters.ModernWire;
import dev.warrant.adapters.Upstream;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.modern.MetaKeys;
import dev.warrant.gateway.pipeline.McpExchange;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who speaks the tasks extension ({@value ModernWire#TASKS_EXTENSION}): a 2026 agent declares it per request in
 * its client capabilities, an upstream in its {@code server/discover} capabilities. The gateway declares it to an
 * upstream only on behalf of an agent that declared it, so an upstream answers with a task only to an agent that
 * can poll it.
 */
public final class TaskCapability {

    /** The {@code requiredCapabilities} of a -32021 for an agent that did not declare the extension. */
    public static final Map<String, Object> REQUIRED = Map.of("requiredCapabilities",
            Map.of("extensions", Map.of(ModernWire.TASKS_EXTENSION, Map.of())));

    private TaskCapability() {
    }

    /** Whether this request (a 2026 one) declared the extension. */
    public static boolean declaredBy(McpExchange exchange) {
        return exchange.modern() && exchange.clientDeclaresExtension(ModernWire.TASKS_EXTENSION);
    }

    /** Refuses a request that needs the extension the agent did not declare (-32021, naming it). */
    public static void require(McpExchange exchange, String what) {
        if (!declaredBy(exchange)) {
            throw WarrantException.of(Reason.CLIENT_CAPABILITY_MISSING, what + " needs the client capability "
                    + ModernWire.TASKS_EXTENSION, REQUIRED);
        }
    }

    /** Whether the upstream speaks 2026-07-28 and offered the extension. */
    public static boolean offeredBy(Upstream upstream) {
        Map<String, Object> init = upstream.initializeResult();
        return ModernWire.VERSION.equals(init.get("protocolVersion"))
                && init.get("capabilities") instanceof Map<?, ?> caps
                && caps.get("extensions") instanceof Map<?, ?> extensions
                && extensions.get(ModernWire.TASKS_EXTENSION) != null;
    }

    /** {@code params} (not changed) with the extension declared in {@code _meta}, for the upstream adapter. */
    public static Map<String, Object> declared(Map<String, Object> params) {
        Map<String, Object> copy = new LinkedHashMap<>(params);
        Map<Object, Object> meta = copy.get("_meta") instanceof Map<?, ?> m ? new LinkedHashMap<>(m) : new LinkedHashMap<>();
        meta.put(MetaKeys.CLIENT_CAPABILITIES, Map.of("extensions", Map.of(ModernWire.TASKS_EXTENSION, Map.of())));
        copy.put("_meta", meta);
        return copy;
    }

    /** Whether an upstream request on this agent's behalf should declare the extension. */
    public static boolean forward(McpExchange exchange, Upstream upstream, String method) {
        return ("tools/call".equals(method) || TaskGate.METHODS.contains(method))
                && declaredBy(exchange) && offeredBy(upstream);
    }
}
