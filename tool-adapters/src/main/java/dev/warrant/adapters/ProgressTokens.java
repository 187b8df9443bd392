package dev.warrant.adapters;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one rewrite the adapter makes to forwarded params: {@code _meta.progressToken}. Agents pick their own
 * tokens, so two sessions may use the same one; upstream, each call gets a token unique to the connection.
 * Copies the two maps it touches and shares everything else, so the caller's maps are never modified.
 */
final class ProgressTokens {

    static final String META = "_meta";
    static final String TOKEN = "progressToken";

    private ProgressTokens() {
    }

    /** The caller's progress token, or {@code null} if the params carry none. */
    static Object find(Map<String, Object> params) {
        if (params != null && params.get(META) instanceof Map<?, ?> meta) {
            return meta.get(TOKEN);
        }
        return null;
    }

    /** {@code params} with {@code _meta.progressToken} replaced by {@code token}. */
    static Map<String, Object> withToken(Map<String, Object> params, Object token) {
        Map<String, Object> meta = new LinkedHashMap<>(asMap(params.get(META)));
        meta.put(TOKEN, token);
        Map<String, Object> copy = new LinkedHashMap<>(params);
        copy.put(META, meta);
        return copy;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value) {
        return value instanceof Map ? (Map<String, Object>) value : Map.of();
    }
}
