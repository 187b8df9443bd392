package dev.warrant.gateway.builtin;

import dev.warrant.gateway.pipeline.McpExchange;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * A tool the gateway itself serves on {@code /mcp}, under the reserved namespace {@code warrant__}.
 * Built-in tools act only on the caller's own token, which any holder could do offline anyway, so they need
 * no right; they are audited and traced like every other call.
 */
public interface BuiltinTool {

    /** The exposed name, e.g. {@code warrant__delegate}. */
    String name();

    /** The MCP tool definition (name, description, inputSchema, annotations). */
    JsonObject definition();

    /** Runs the tool; returns an MCP CallToolResult object. */
    Future<JsonObject> call(McpExchange exchange, JsonObject arguments);
}
