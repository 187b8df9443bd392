package dev.warrant.otel;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Trace context in MCP's {@code params._meta}: the convention MCP servers and clients use to carry
 * {@code traceparent}, {@code tracestate} and {@code baggage} inside the JSON-RPC message itself, since
 * stdio has no headers.
 */
public final class MetaPropagation {

    private MetaPropagation() {
    }

    private static final TextMapSetter<Map<String, Object>> SETTER = (carrier, key, value) -> {
        if (carrier != null) {
            carrier.put(key, value);
        }
    };

    private static final TextMapGetter<Map<String, ?>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, ?> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, ?> carrier, String key) {
            if (carrier == null) {
                return null;
            }
            Object value = carrier.get(key);
            return value instanceof String s ? s : null;
        }
    };

    /**
     * Returns a copy of {@code params} whose {@code _meta} also carries the given context. The caller's own
     * {@code _meta} entries (progressToken, vendor keys) are kept, except those whose key {@code drop} names (left
     * out of this one copy rather than removed in another); trace keys are overwritten because the upstream must
     * see the gateway's CLIENT span as its parent.
     */
    public static Map<String, Object> inject(TextMapPropagator propagator, Context context,
                                             Map<String, Object> params, Predicate<String> drop) {
        Map<String, Object> copy = params == null ? new LinkedHashMap<>() : new LinkedHashMap<>(params);
        Map<String, Object> meta = new LinkedHashMap<>();
        if (copy.get("_meta") instanceof Map<?, ?> existing) {
            existing.forEach((k, v) -> {
                String key = String.valueOf(k);
                if (!drop.test(key)) {
                    meta.put(key, v);
                }
            });
        }
        propagator.inject(context, meta, SETTER);
        copy.put("_meta", meta);
        return copy;
    }

    /** Extracts a context from a {@code _meta} object (absent or malformed entries give the root context). */
    public static Context extract(TextMapPropagator propagator, Map<String, ?> meta) {
        if (meta == null || meta.isEmpty()) {
            return Context.root();
        }
        return propagator.extract(Context.root(), meta, GETTER);
    }

    /** Extracts from a single W3C traceparent string, e.g. the one recorded in a delegation hop. */
    public static Context fromTraceparent(TextMapPropagator propagator, String traceparent) {
        if (traceparent == null || traceparent.isBlank()) {
            return Context.root();
        }
        return propagator.extract(Context.root(), Map.of("traceparent", traceparent), GETTER);
    }

    /** The current context as a W3C traceparent, or null when there is no valid span. */
    public static String traceparent(TextMapPropagator propagator, Context context) {
        Map<String, Object> carrier = new LinkedHashMap<>();
        propagator.inject(context, carrier, SETTER);
        Object value = carrier.get("traceparent");
        return value instanceof String s ? s : null;
    }
}
