package dev.warrant.gateway.forward;

import dev.warrant.adapters.Upstream;
import dev.warrant.gateway.json.JsonValues;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/**
 * The gateway answers {@code initialize} itself: agents talk to Warrant, which holds its own sessions to
 * the upstreams. The negotiated version was fixed by the session stage.
 *
 * <p>On {@code /mcp} it offers everything it relays. On {@code /servers/{name}/mcp} it offers what that
 * upstream declared, among the features the gateway relays (so a client never calls what the upstream
 * lacks), and the upstream's instructions.
 */
public final class InitializeHandler implements ForwardStage.MethodHandler {

    /** Capabilities the gateway relays; anything else an upstream declares (tasks, experimental) is not offered. */
    private static final List<String> RELAYED = List.of("tools", "resources", "prompts", "completions", "logging");

    private final String version;
    private final UpstreamRegistry upstreams;

    public InitializeHandler(String version, UpstreamRegistry upstreams) {
        this.version = version;
        this.upstreams = upstreams;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange) {
        String server = exchange.virtualServer();
        // What the agent can answer decides which upstream requests the gateway relays to it (SessionRelay).
        Object declared = exchange.request().params().getValue("capabilities");
        exchange.session().clientCapabilities(declared instanceof JsonObject c ? c : new JsonObject());
        JsonObject result = new JsonObject()
                .put("protocolVersion", exchange.session().protocolVersion())
                .put("capabilities", server == null ? allCapabilities() : capabilitiesOf(server))
                .put("serverInfo", new JsonObject().put("name", server == null ? "warrant" : "warrant/" + server)
                        .put("version", version));
        String instructions = instructions(upstreams, server);
        if (instructions != null) {
            result.put("instructions", instructions);
        }
        return Future.succeededFuture(result);
    }

    private static JsonObject allCapabilities() {
        return new JsonObject()
                .put("tools", new JsonObject().put("listChanged", true))
                .put("resources", new JsonObject().put("subscribe", true).put("listChanged", true))
                .put("prompts", new JsonObject().put("listChanged", true))
                .put("completions", new JsonObject())
                .put("logging", new JsonObject());
    }

    private JsonObject capabilitiesOf(String server) {
        JsonObject capabilities = new JsonObject();
        Upstream upstream = upstreams.upstream(server);
        if (upstream != null && upstream.initializeResult().get("capabilities") instanceof Map<?, ?> declared) {
            for (String name : RELAYED) {
                Object value = declared.get(name);
                if (value != null) {
                    capabilities.put(name, JsonValues.toJson(asMap(value)));
                }
            }
        }
        return capabilities;
    }

    /**
     * What a client is told first, in either era: on {@code /mcp} how the gateway names things; on
     * {@code /servers/{name}/mcp} that upstream's own instructions (null when it has none).
     */
    static String instructions(UpstreamRegistry upstreams, String server) {
        if (server == null) {
            return "Warrant MCP gateway: tools and prompts are named <server>__<name>; every call is "
                    + "authorized against your Biscuit token.";
        }
        Upstream upstream = upstreams.upstream(server);
        return upstream != null && upstream.initializeResult().get("instructions") instanceof String s ? s : null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
