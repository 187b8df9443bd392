package dev.warrant.gateway.pipeline;

import dev.warrant.gateway.builtin.BuiltinTool;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** A built-in tool for stage tests, {@code warrant__echo}: answers with its arguments and remembers each call. */
public final class EchoTool implements BuiltinTool {

    public static final String NAME = "warrant__echo";

    public final List<JsonObject> calls = new ArrayList<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public JsonObject definition() {
        return new JsonObject().put("name", NAME).put("description", "echoes its arguments")
                .put("inputSchema", new JsonObject().put("type", "object"));
    }

    @Override
    public Future<JsonObject> call(McpExchange exchange, JsonObject arguments) {
        calls.add(arguments);
        return Future.succeededFuture(new JsonObject().put("content", new JsonArray()
                .add(new JsonObject().put("type", "text").put("text", arguments.encode()))));
    }
}
