package dev.warrant.gateway.json;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between Vert.x JSON (the agent side) and plain Java JSON trees (Map/List/String/Number/Boolean,
 * the adapter and policy side). Deep copies: the two sides never share mutable structure.
 */
public final class JsonValues {

    private JsonValues() {
    }

    public static Map<String, Object> toPlainMap(JsonObject object) {
        return object == null ? new LinkedHashMap<>() : plainMap(object.getMap());
    }

    public static Object toPlain(Object value) {
        if (value instanceof JsonObject o) {
            return plainMap(o.getMap());
        }
        if (value instanceof JsonArray a) {
            return plainList(a.getList());
        }
        if (value instanceof Map<?, ?> m) {
            return plainMap(m);
        }
        if (value instanceof List<?> l) {
            return plainList(l);
        }
        return value;
    }

    private static Map<String, Object> plainMap(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>(Math.max(4, map.size() * 2));
        map.forEach((k, v) -> out.put(String.valueOf(k), toPlain(v)));
        return out;
    }

    private static List<Object> plainList(List<?> list) {
        List<Object> out = new ArrayList<>(list.size());
        for (Object v : list) {
            out.add(toPlain(v));
        }
        return out;
    }

    /** Wraps a plain map for Vert.x encoding (Vert.x encodes nested Maps and Lists as JSON). */
    public static JsonObject toJson(Map<String, Object> map) {
        return map == null ? new JsonObject() : new JsonObject(map);
    }
}
