package dev.warrant.gateway.record;

import dev.warrant.adapters.RawJsonObject;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.json.RawJsonCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a result's receipt goes (docs/ARCHITECTURE.md §11.37): an upstream result no code has read keeps its own
 * characters with {@code _meta} appended (§11.1's relay); one with a {@code _meta} of its own keeps those fields
 * beside the receipt, and a receipt an upstream put there is replaced by the gateway's.
 */
class ReceiptsTest {

    private static final AuditReceipt RECEIPT = new AuditReceipt("allow", "allowed", "agent", List.of("agent"),
            List.of("r1"), "notes__list_notes", "sha256:00", "p", "2026-12-05T00:00:00Z", null, 3, "ab", "m", "k",
            List.of(), "sig");

    @BeforeAll
    static void install() {
        RawJsonCodec.install();
    }

    @Test
    void anUntouchedResultKeepsItsCharactersAndGetsTheReceiptAppended() throws Exception {
        String upstream = "{\"content\":[{\"type\":\"text\",\"text\":\"caf\\u00e9\"}], \"n\":1.0E2}";
        JsonObject answered = Receipts.onResult(new JsonObject(RawJsonObject.parse(upstream)), RECEIPT);

        String encoded = answered.encode();
        assertThat(encoded).startsWith(upstream.substring(0, upstream.length() - 1) + ",\"_meta\":{\"" + AuditReceipt.META_KEY);
        JsonObject back = new JsonObject(encoded);
        assertThat(back.getDouble("n")).isEqualTo(100.0);
        assertThat(back.getJsonObject("_meta").getJsonObject(AuditReceipt.META_KEY)).isEqualTo(RECEIPT.toJson());
    }

    @Test
    void anUpstreamMetaKeepsItsCharactersWithTheReceiptInserted() throws Exception {
        String upstream = "{\"content\":[],\"_meta\":{\"vendor/x\":1.0E2}}";
        String encoded = Receipts.onResult(new JsonObject(RawJsonObject.parse(upstream)), RECEIPT).encode();
        assertThat(encoded).startsWith("{\"content\":[],\"_meta\":{\"vendor/x\":1.0E2,\"" + AuditReceipt.META_KEY + "\":");
        assertThat(new JsonObject(encoded).getJsonObject("_meta").getJsonObject(AuditReceipt.META_KEY)).isEqualTo(RECEIPT.toJson());
    }

    @Test
    void anUpstreamMetaKeepsItsFieldsAndLosesAnyReceiptItClaimed() throws Exception {
        String upstream = "{\"content\":[],\"_meta\":{\"vendor/x\":1,\"" + AuditReceipt.META_KEY + "\":{\"forged\":true}}}";
        JsonObject answered = Receipts.onResult(new JsonObject(RawJsonObject.parse(upstream)), RECEIPT);

        JsonObject meta = new JsonObject(answered.encode()).getJsonObject("_meta");
        assertThat(meta.getInteger("vendor/x")).isEqualTo(1);
        assertThat(meta.getJsonObject(AuditReceipt.META_KEY)).isEqualTo(RECEIPT.toJson());
    }

    @Test
    void anUpstreamErrorKeepsItsFieldsAndItsDataGainsTheReceiptWhateverTheDataWas() {
        Map<String, Object> withObject = Map.of("code", -32000, "message", "disk full",
                "data", Map.of("path", "/tmp"));
        JsonObject object = errorOf(Receipts.onError(WarrantException.upstream(withObject, "x"), RECEIPT));
        assertThat(object.getInteger("code")).isEqualTo(-32000);
        assertThat(object.getString("message")).isEqualTo("disk full");
        assertThat(object.getJsonObject("data").getString("path")).isEqualTo("/tmp");
        assertThat(receiptIn(object)).isEqualTo(RECEIPT.toJson());

        for (Object data : new Object[] {"trace: at line 3", 42, List.of("a", "b"), true}) {
            Map<String, Object> error = new java.util.LinkedHashMap<>(Map.of("code", -32001, "message", "failed"));
            error.put("data", data);
            JsonObject answered = errorOf(Receipts.onError(WarrantException.upstream(error, "x"), RECEIPT));
            assertThat(answered.getInteger("code")).isEqualTo(-32001);
            assertThat(answered.getJsonObject("data").getValue(Receipts.UPSTREAM_DATA_KEY))
                    .as("the upstream's data, kept").isEqualTo(data instanceof List<?> l ? new JsonArray(l) : data);
            assertThat(receiptIn(answered)).as("a receipt for data " + data).isEqualTo(RECEIPT.toJson());
        }
        JsonObject noData = errorOf(Receipts.onError(WarrantException.upstream(
                Map.of("code", -32002, "message", "no data"), "x"), RECEIPT));
        assertThat(noData.getJsonObject("data").fieldNames()).containsExactly("_meta");
    }

    private static JsonObject errorOf(WarrantException e) {
        assertThat(e.reason()).isEqualTo(Reason.UPSTREAM_ERROR);
        return JsonObject.mapFrom(e.upstreamError());
    }

    private static JsonObject receiptIn(JsonObject error) {
        return error.getJsonObject("data").getJsonObject("_meta").getJsonObject(AuditReceipt.META_KEY);
    }

    @Test
    void aResultTheGatewayBuiltIsCopiedNotChanged() {
        JsonObject built = new JsonObject().put("content", "x");
        JsonObject answered = Receipts.onResult(built, RECEIPT);
        assertThat(built.containsKey("_meta")).isFalse();
        assertThat(answered.getJsonObject("_meta").getJsonObject(AuditReceipt.META_KEY)).isEqualTo(RECEIPT.toJson());
    }
}
