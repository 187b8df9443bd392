package dev.warrant.gateway.record;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.json.ResultMeta;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.MessageKind;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a receipt goes in the answer (docs/ARCHITECTURE.md §11.37): a result's {@code _meta}, or for a JSON-RPC
 * error (a denial, §11.2) its {@code error.data._meta}, beside the fields {@code data} already has. The answer is
 * copied, never changed in place: a result may be shared.
 */
final class Receipts {

    private Receipts() {
    }

    /** Only an agent's {@code tools/call} request gets a receipt; a 2026 {@code input_required} round is not an answer yet. */
    static boolean wanted(McpExchange ex) {
        return ex.kind() == MessageKind.REQUEST && "tools/call".equals(ex.method());
    }

    static boolean intermediate(McpExchange ex, JsonObject result) {
        return ex.http().modern() && "input_required".equals(result.getValue("resultType"));
    }

    /** The result with the receipt in its {@code _meta} (kept as the upstream's text when it can be: {@link ResultMeta}). */
    static JsonObject onResult(JsonObject result, AuditReceipt receipt) {
        return ResultMeta.with(result, AuditReceipt.META_KEY, receipt.toJson());
    }

    /** Where an upstream error's {@code data} that is not an object goes, so that the receipt has room beside it. */
    static final String UPSTREAM_DATA_KEY = "value";

    /**
     * The same refusal with the receipt in its {@code data._meta}; an upstream's error object keeps every field
     * of its own. An upstream error whose {@code data} is not an object (a string, a number, a list) has no room for
     * it: its {@code data} becomes an object holding that value under {@link #UPSTREAM_DATA_KEY} and the receipt.
     */
    static WarrantException onError(WarrantException e, AuditReceipt receipt) {
        if (e.reason() == Reason.UPSTREAM_ERROR && e.upstreamError() instanceof Map<?, ?> upstream) {
            @SuppressWarnings("unchecked")
            JsonObject error = new JsonObject(new LinkedHashMap<>((Map<String, Object>) upstream));
            Object data = error.getValue("data");
            JsonObject d = data == null ? new JsonObject()
                    : data instanceof JsonObject o ? new JsonObject(new LinkedHashMap<>(o.getMap()))
                    : new JsonObject().put(UPSTREAM_DATA_KEY, data);
            d.put("_meta", withReceipt(d.getValue("_meta"), receipt));
            error.put("data", d);
            return WarrantException.upstream(error.getMap(), e.detail());
        }
        Map<String, Object> data = new LinkedHashMap<>(e.data());
        data.put("_meta", withReceipt(data.get("_meta"), receipt));
        return WarrantException.of(e.reason(), e.detail(), data);
    }

    /** {@code meta} (copied) with the receipt, replacing any an upstream put there: only the gateway signs one. */
    private static JsonObject withReceipt(Object meta, AuditReceipt receipt) {
        JsonObject m = meta instanceof JsonObject o ? new JsonObject(new LinkedHashMap<>(o.getMap()))
                : meta instanceof Map<?, ?> map ? JsonObject.mapFrom(map) : new JsonObject();
        m.put(AuditReceipt.META_KEY, receipt.toJson());
        return m;
    }
}
