package dev.warrant.gateway.builtin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** MCP CallToolResult objects for built-in tools. */
final class ToolResults {

    private ToolResults() {
    }

    static JsonObject text(String text, JsonObject structured) {
        JsonObject result = new JsonObject()
                .put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", text)));
        if (structured != null) {
            result.put("structuredContent", structured);
        }
        return result.put("isError", false);
    }

    /** A tool-level error: the call was fine, the input was not; the agent can read why and retry. */
    static JsonObject error(String message) {
        return new JsonObject()
                .put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", message)))
                .put("isError", true);
    }
}
