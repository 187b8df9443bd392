package dev.warrant.gateway.modern;

import dev.warrant.gateway.json.ResultMeta;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every 2026-07-28 result carries beside its content: {@code resultType}, the server's identity in
 * {@code _meta}, and on cacheable results {@code ttlMs} and {@code cacheScope}.
 *
 * <p>Every cacheable answer of the gateway is {@code private}: lists are filtered per caller, and a read is
 * authorized per caller, so a shared cache could hand one agent's answer to an agent that may not see it. The
 * time to live is 0 (stale at once): a list depends on the token, the hot-reloaded policies and the cluster's
 * catalog, none of which tells a client when it changes (docs/ARCHITECTURE.md §2.7).
 */
public final class ModernResults {

    private static final Set<String> CACHEABLE = Set.of("server/discover", "tools/list", "prompts/list",
            "resources/list", "resources/templates/list", "resources/read");

    /** The {@code serverInfo} JSON text per server name and version: the same for every answer, so encoded once. */
    private static final Map<String, String> SERVER_INFO = new ConcurrentHashMap<>();
    /** Names come from the configuration (the virtual servers); the bound only guards against a surprise. */
    private static final int SERVER_INFO_KEPT = 1024;

    private ModernResults() {
    }

    /**
     * @param method the request's method
     * @param handled the result as the handler built it (left as it is: it may be shared)
     * @param server the gateway's name as the caller sees it ({@code warrant}, or {@code warrant/<upstream>})
     * @param version the gateway's version
     */
    public static JsonObject decorate(String method, JsonObject handled, String server, String version) {
        JsonObject result = handled;
        boolean typed = handled.getValue("resultType") instanceof String;
        // An input_required result is no answer yet: it carries no cache hints.
        boolean hinted = CACHEABLE.contains(method) && (!typed || "complete".equals(handled.getValue("resultType")));
        if (!typed || hinted) {
            result = new JsonObject(new LinkedHashMap<>(handled.getMap()));
            if (!typed) {
                result.put("resultType", "complete");
            }
            if (hinted) {
                // Replaces an upstream's own hints: the gateway's answer is per caller whatever the upstream's was.
                result.put("ttlMs", 0L);
                result.put("cacheScope", "private");
            }
        }
        // Otherwise an upstream's result stays its own text, with the server's identity spliced in (ResultMeta).
        return ResultMeta.withText(result, MetaKeys.SERVER_INFO, serverInfo(server, version));
    }

    private static String serverInfo(String server, String version) {
        String key = server + '\n' + version;
        String json = SERVER_INFO.get(key);
        if (json == null) {
            json = new JsonObject().put("name", server).put("version", version).encode();
            if (SERVER_INFO.size() < SERVER_INFO_KEPT) {
                SERVER_INFO.put(key, json);
            }
        }
        return json;
    }
}
