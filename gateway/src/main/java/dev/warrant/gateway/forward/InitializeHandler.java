package dev.warrant.gateway.forward;

import dev.warrant.gateway.pipeline.McpExchange;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The gateway answers {@code initialize} itself: agents talk to Warrant, which holds its own sessions to
 * the upstreams. The negotiated version was fixed by the session stage.
 */
public final class InitializeHandler implements ForwardStage.MethodHandler {

    private final String version;

    public InitializeHandler(String version) {
        this.version = version;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange) {
        JsonObject result = new JsonObject()
                .put("protocolVersion", exchange.session().protocolVersion())
                .put("capabilities", new JsonObject()
                        .put("tools", new JsonObject().put("listChanged", true)))
                .put("serverInfo", new JsonObject().put("name", "warrant").put("version", version))
                .put("instructions", "Warrant MCP gateway: tools are named <server>__<tool>; every call is "
                        + "authorized against your Biscuit token.");
        return Future.succeededFuture(result);
    }
}
