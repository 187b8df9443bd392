package dev.warrant.gateway.modern;

import dev.warrant.adapters.HeaderBindings;
import dev.warrant.adapters.ModernWire;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The 2026-07-28 header encodings and the {@code x-mcp-header} rules, alone. */
class HeaderRulesTest {

    private static String b64(String value) {
        return "=?base64?" + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    @Test
    void plainAndEncodedValuesDecodeToWhatTheClientMeant() {
        assertThat(ModernWire.decode("echo")).contains("echo");
        assertThat(ModernWire.decode(b64("Zürich "))).contains("Zürich ");
        assertThat(ModernWire.decode(b64(""))).contains("");
    }

    @Test
    void malformedEncodingsMatchNothing() {
        assertThat(ModernWire.decode("=?base64?not base64?=")).isEmpty();
        assertThat(ModernWire.decode("=?base64?ZWNobw?=")).as("unpadded: not the canonical form").isEmpty();
        assertThat(ModernWire.decode("=?base64?ZWNoaw==?=".replace("aw", "bx"))).isEmpty();
        assertThat(ModernWire.decode("=?base64?" + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xC3}) + "?="))
                .as("not UTF-8").isEmpty();
        assertThat(ModernWire.decode("caf\u00e9")).as("raw non-ASCII is never a plain value").isEmpty();
        assertThat(ModernWire.decode(null)).isEmpty();
    }

    private static Map<String, Object> schema(String json) {
        return new JsonObject(json).getMap();
    }

    private static final Map<String, Object> REGIONAL = schema("""
            {"type":"object","properties":{
              "region":{"type":"string","x-mcp-header":"Region"},
              "limits":{"type":"object","properties":{"rows":{"type":"integer","x-mcp-header":"Rows"}}},
              "dry":{"type":"boolean","x-mcp-header":"Dry"},
              "query":{"type":"string"}}}""");

    private static void check(Map<String, Object> schema, String arguments, Map<String, String> headers) {
        ParamHeaders.check(schema, new JsonObject(arguments), headers);
    }

    @Test
    void headersThatMirrorTheirArgumentsPass() {
        assertThatCode(() -> check(REGIONAL, """
                {"region":"eu","limits":{"rows":42},"dry":true,"query":"q"}""",
                Map.of("region", "eu", "rows", "42.0", "dry", "true"))).doesNotThrowAnyException();
        // An absent or null argument has no header, and none is expected.
        assertThatCode(() -> check(REGIONAL, """
                {"region":null,"query":"q"}""", Map.of())).doesNotThrowAnyException();
        assertThatCode(() -> check(REGIONAL, """
                {"region":"Zürich","query":"q"}""", Map.of("region", b64("Zürich")))).doesNotThrowAnyException();
    }

    @Test
    void aHeaderThatDisagreesIsMissingOrHasNoArgumentIsAMismatch() {
        for (var headers : new Object[][] {
                {"{\"region\":\"eu\"}", Map.of("region", "us")},
                {"{\"region\":\"eu\"}", Map.of()},
                {"{\"query\":\"q\"}", Map.of("region", "eu")},
                {"{\"limits\":{\"rows\":42}}", Map.of("rows", "41")},
                {"{\"dry\":false}", Map.of("dry", "False")}}) {
            @SuppressWarnings("unchecked")
            Map<String, String> h = (Map<String, String>) headers[1];
            assertThatThrownBy(() -> check(REGIONAL, (String) headers[0], h))
                    .isInstanceOfSatisfying(WarrantException.class, e -> assertThat(e.reason()).isEqualTo(Reason.HEADER_MISMATCH));
        }
    }

    @Test
    void aSchemaWithAnInvalidAnnotationRequiresNoHeaders() {
        // On a number (not allowed), duplicated without regard to case, or reached through items: the tool's
        // annotations are void, so nothing is required of the client.
        for (String invalid : new String[] {
                "{\"properties\":{\"f\":{\"type\":\"number\",\"x-mcp-header\":\"F\"}}}",
                "{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"Dup\"},"
                        + "\"b\":{\"type\":\"string\",\"x-mcp-header\":\"dup\"}}}",
                "{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"has space\"}}}"}) {
            assertThat(HeaderBindings.of(schema(invalid))).as(invalid).isNull();
        }
        assertThat(HeaderBindings.of(schema(
                "{\"properties\":{\"a\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"x-mcp-header\":\"A\"}}}}")))
                .as("not reached through properties alone: ignored").isEmpty();
    }

    @Test
    void modernResultsArePrivateStaleAndNamed() {
        JsonObject upstream = new JsonObject().put("contents", "x").put("ttlMs", 60_000).put("cacheScope", "public")
                .put("_meta", new JsonObject().put("other", 1));
        JsonObject result = ModernResults.decorate("resources/read", upstream, "warrant", "1.2.3");
        assertThat(result.getString("resultType")).isEqualTo("complete");
        assertThat(result.getString("cacheScope")).isEqualTo("private");
        assertThat(result.getLong("ttlMs")).isZero();
        assertThat(result.getJsonObject("_meta").getInteger("other")).isEqualTo(1);
        assertThat(result.getJsonObject("_meta").getJsonObject(MetaKeys.SERVER_INFO).getString("version")).isEqualTo("1.2.3");
        assertThat(upstream.getString("cacheScope")).as("the handler's object is left alone").isEqualTo("public");
        assertThat(ModernResults.decorate("tools/call", new JsonObject(), "warrant", "1").containsKey("ttlMs")).isFalse();
    }
}
