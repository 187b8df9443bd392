package dev.warrant.gateway.transport;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.json.JsonObject;

/**
 * JSON-RPC 2.0 envelopes as MCP uses them. Parsing validates the envelope only; params and results stay
 * untouched JSON so that fields Warrant does not model pass through.
 */
public final class JsonRpc {

    private JsonRpc() {
    }

    /** A parsed incoming message. */
    public sealed interface Message permits Request, Notification, Response {
    }

    /** @param id a String or a Number, as the client sent it (echoed back unchanged) */
    public record Request(Object id, String method, JsonObject params) implements Message {
    }

    public record Notification(String method, JsonObject params) implements Message {
    }

    /** A client's answer to a server-initiated request (result or error). */
    public record Response(Object id, JsonObject body) implements Message {
    }

    public static Message parse(JsonObject json) {
        if (!"2.0".equals(json.getValue("jsonrpc"))) {
            throw WarrantException.of(Reason.INVALID_REQUEST, "jsonrpc must be \"2.0\"");
        }
        Object method = json.getValue("method");
        boolean hasId = json.containsKey("id");
        Object id = json.getValue("id");
        if (hasId && !(id instanceof String || id instanceof Number)) {
            throw WarrantException.of(Reason.INVALID_REQUEST, "id must be a string or a number");
        }
        if (method == null) {
            if (hasId && (json.containsKey("result") || json.containsKey("error"))) {
                return new Response(id, json);
            }
            throw WarrantException.of(Reason.INVALID_REQUEST, "message has neither method nor result");
        }
        if (!(method instanceof String name) || name.isEmpty()) {
            throw WarrantException.of(Reason.INVALID_REQUEST, "method must be a non-empty string");
        }
        Object params = json.getValue("params");
        if (params != null && !(params instanceof JsonObject)) {
            throw WarrantException.of(Reason.INVALID_REQUEST, "params must be an object");
        }
        JsonObject p = params == null ? new JsonObject() : (JsonObject) params;
        return hasId ? new Request(id, name, p) : new Notification(name, p);
    }

    public static JsonObject result(Object id, JsonObject result) {
        return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("result", result);
    }

    public static JsonObject notification(String method, JsonObject params) {
        JsonObject n = new JsonObject().put("jsonrpc", "2.0").put("method", method);
        if (params != null) {
            n.put("params", params);
        }
        return n;
    }
}
