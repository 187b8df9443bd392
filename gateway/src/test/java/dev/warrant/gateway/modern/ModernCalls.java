package dev.warrant.gateway.modern;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

/** A well-formed MCP 2026-07-28 POST, as a conforming client builds it, for tests that speak the wire. */
public final class ModernCalls {

    public static final String VERSION = "2026-07-28";

    private ModernCalls() {
    }

    /** The {@code _meta} envelope with these client capabilities. */
    public static JsonObject envelope(JsonObject capabilities) {
        return new JsonObject().put(MetaKeys.PROTOCOL_VERSION, VERSION).put(MetaKeys.CLIENT_CAPABILITIES, capabilities);
    }

    /**
     * @param name   the value of {@code Mcp-Name} ({@code params.name} or {@code params.uri}), or null
     * @param params the request's params; the envelope is added to them
     */
    public static HttpRequest request(URI url, String token, Object id, String method, String name, JsonObject params,
                                      JsonObject capabilities) {
        JsonObject body = new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", method)
                .put("params", params.copy().put("_meta", envelope(capabilities)));
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token).header("MCP-Protocol-Version", VERSION)
                .header("Mcp-Method", method)
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        if (name != null) {
            b.header("Mcp-Name", name);
        }
        return b.build();
    }

    /** A {@code tools/call} of {@code tool} with {@code arguments} and, merged into params, {@code extra}. */
    public static HttpRequest toolCall(URI url, String token, Object id, String tool, JsonObject arguments,
                                       JsonObject extra, JsonObject capabilities) {
        JsonObject params = new JsonObject().put("name", tool).put("arguments", arguments);
        extra.forEach(e -> params.put(e.getKey(), e.getValue()));
        return request(url, token, id, "tools/call", tool, params, capabilities);
    }
}
