package dev.warrant.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The whole MCP server of the benchmark, transport-free: {@code initialize}, {@code ping}, {@code tools/list}
 * with one tool, and {@code tools/call} of {@code echo}. It does as little as an MCP server can, so that what
 * the scenarios measure is the hop in front of it, not the server. Shared by the HTTP and stdio variants.
 */
final class EchoMcp {

    static final String TOOL = "echo";
    private static final String LATEST = "2025-06-18";

    private static final JsonObject TOOLS = new JsonObject().put("tools", new JsonArray().add(new JsonObject()
            .put("name", TOOL)
            .put("description", "Returns its message.")
            .put("inputSchema", new JsonObject().put("type", "object")
                    .put("properties", new JsonObject().put("message", new JsonObject().put("type", "string")))
                    .put("required", new JsonArray().add("message")))
            .put("annotations", new JsonObject().put("readOnlyHint", true))));

    private static final String MODERN_VERSION_KEY = "io.modelcontextprotocol/protocolVersion";
    private static final JsonObject DISCOVER = new JsonObject()
            .put("supportedVersions", new JsonArray().add("2026-07-28").add(LATEST))
            .put("capabilities", new JsonObject().put("tools", new JsonObject()))
            .put("ttlMs", 0).put("cacheScope", "public")
            .put("_meta", new JsonObject().put("io.modelcontextprotocol/serverInfo",
                    new JsonObject().put("name", "loadtest-echo").put("version", "1")));

    private EchoMcp() {}

    /** The response to one JSON-RPC message, or null when it needs none (notifications, responses). */
    static JsonObject handle(JsonObject message) {
        return handle(message, false);
    }

    /**
     * @param modern also speak MCP 2026-07-28: answer {@code server/discover}, and give every result of a request
     *     that carries the 2026 envelope in {@code _meta} what that revision requires ({@code resultType}, cache
     *     hints on lists)
     */
    static JsonObject handle(JsonObject message, boolean modern) {
        JsonObject reply = handle2025(message, modern);
        if (modern && reply != null && reply.getValue("result") instanceof JsonObject result
                && message.getJsonObject("params", new JsonObject()).getValue("_meta") instanceof JsonObject meta
                && meta.containsKey(MODERN_VERSION_KEY)) {
            result.put("resultType", "complete");
            if ("tools/list".equals(message.getString("method"))) {
                result.put("ttlMs", 0).put("cacheScope", "public");
            }
        }
        return reply;
    }

    private static JsonObject handle2025(JsonObject message, boolean modern) {
        Object id = message.getValue("id");
        String method = message.getString("method");
        if (method == null || id == null) {
            return null;
        }
        JsonObject params = message.getJsonObject("params", new JsonObject());
        return switch (method) {
            case "initialize" -> result(id, new JsonObject()
                    .put("protocolVersion", params.getString("protocolVersion", LATEST))
                    .put("capabilities", new JsonObject().put("tools", new JsonObject()))
                    .put("serverInfo", new JsonObject().put("name", "loadtest-echo").put("version", "1")));
            case "ping" -> result(id, new JsonObject());
            case "tools/list" -> result(id, TOOLS.copy());
            case "tools/call" -> call(id, params);
            case "server/discover" -> modern ? result(id, DISCOVER.copy()) : error(id, -32601, "method not found: " + method);
            default -> error(id, -32601, "method not found: " + method);
        };
    }

    private static JsonObject call(Object id, JsonObject params) {
        if (!TOOL.equals(params.getString("name"))) {
            return error(id, -32602, "unknown tool");
        }
        String text = String.valueOf(params.getJsonObject("arguments", new JsonObject()).getValue("message"));
        return result(id, new JsonObject().put("content",
                new JsonArray().add(new JsonObject().put("type", "text").put("text", text))));
    }

    private static JsonObject result(Object id, JsonObject result) {
        return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("result", result);
    }

    private static JsonObject error(Object id, int code, String message) {
        return new JsonObject().put("jsonrpc", "2.0").put("id", id)
                .put("error", new JsonObject().put("code", code).put("message", message));
    }
}
