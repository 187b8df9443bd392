package dev.warrant.gateway.json;

import dev.warrant.adapters.RawJsonObject;
import dev.warrant.gateway.transport.JsonRpc;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** An upstream's untouched result is written as its own characters; a result someone read is written from the map. */
class RawJsonCodecTest {

    private static final String RESULT = "{\"content\":[{\"type\":\"text\",\"text\":\"caf\\u00e9\"}], \"n\":1.0E2}";

    @BeforeAll
    static void install() {
        RawJsonCodec.install();
        RawJsonCodec.install(); // twice is once
    }

    @Test
    void anUntouchedResultIsRelayedCharacterForCharacter() throws Exception {
        JsonObject answer = JsonRpc.result(7, JsonValues.toJson(RawJsonObject.parse(RESULT)));

        String expected = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":" + RESULT + "}";
        assertThat(answer.encode()).isEqualTo(expected);
        assertThat(answer.toBuffer().toString(StandardCharsets.UTF_8)).isEqualTo(expected);
        // Nested in a list too (a batch or an array value goes through the same mapper).
        assertThat(new JsonArray().add(JsonValues.toJson(RawJsonObject.parse(RESULT))).encode())
                .isEqualTo("[" + RESULT + "]");
    }

    @Test
    void aResultSomeoneReadAndChangedIsWrittenAsItIsNow() throws Exception {
        RawJsonObject raw = RawJsonObject.parse(RESULT);
        @SuppressWarnings("unchecked")
        Map<String, Object> text = (Map<String, Object>) ((List<Object>) raw.get("content")).get(0);
        text.put("text", "redacted");  // e.g. a filter rewriting nested content in place

        String encoded = JsonRpc.result(7, JsonValues.toJson(raw)).encode();

        assertThat(encoded).isEqualTo(
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"redacted\"}],\"n\":100.0}}");
        assertThat(new JsonObject(encoded).getJsonObject("result").getJsonArray("content").getJsonObject(0)
                .getString("text")).isEqualTo("redacted");
    }
}
