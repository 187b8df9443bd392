package dev.warrant.gateway.json;

import dev.warrant.adapters.RawJsonObject;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;

/** Adds the gateway's own entries to a result's {@code _meta}: its {@code serverInfo} (2026-07-28), a receipt. */
public final class ResultMeta {

    private ResultMeta() {
    }

    /**
     * {@code result} with {@code _meta[key] = value}, replacing an entry of that key; {@code result} itself is never
     * changed (it may be shared). An upstream's result no code has read stays the upstream's text with the entry
     * spliced in (docs/ARCHITECTURE.md §11.1's relay, {@link RawJsonObject#withMetaEntry}); otherwise the top level
     * and {@code _meta} are copied.
     */
    public static JsonObject with(JsonObject result, String key, JsonObject value) {
        RawJsonObject spliced = result.getMap() instanceof RawJsonObject raw
                ? raw.withMetaEntry(key, value.encode()) : null;
        return spliced != null ? new JsonObject(spliced) : copied(result, key, value);
    }

    /**
     * As {@link #with}, for a value the caller keeps as compact JSON text (one the gateway encoded, e.g. a constant):
     * spliced as it is, and read only when the result has to be copied.
     */
    public static JsonObject withText(JsonObject result, String key, String json) {
        RawJsonObject spliced = result.getMap() instanceof RawJsonObject raw ? raw.withMetaEntry(key, json) : null;
        return spliced != null ? new JsonObject(spliced) : copied(result, key, new JsonObject(json));
    }

    private static JsonObject copied(JsonObject result, String key, JsonObject value) {
        JsonObject copy = new JsonObject(new LinkedHashMap<>(result.getMap()));
        JsonObject meta = copy.getValue("_meta") instanceof JsonObject m
                ? new JsonObject(new LinkedHashMap<>(m.getMap())) : new JsonObject();
        meta.put(key, value);
        copy.put("_meta", meta);
        return copy;
    }
}
