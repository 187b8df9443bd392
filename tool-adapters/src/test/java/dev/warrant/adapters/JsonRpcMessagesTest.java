package dev.warrant.adapters;

import io.vertx.core.json.JsonObject;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Our one-pass reader against the SDK's own: the same records for every kind of message, refusals for the rest. */
class JsonRpcMessagesTest {

    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();

    @Test
    void readsEveryKindOfMessageAsTheSdkDoes() throws Exception {
        for (String text : List.of(
                "{\"jsonrpc\":\"2.0\",\"id\":\"w-1\",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],"
                        + "\"isError\":false,\"n\":1.5,\"big\":12345678901}}",
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32602,\"message\":\"bad\",\"data\":{\"why\":[1,2]}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32000,\"message\":\"no data\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":\"s-1\",\"method\":\"sampling/createMessage\",\"params\":{\"maxTokens\":5}}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":\"t\",\"progress\":1}}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}")) {
            JSONRPCMessage ours = JsonRpcMessages.parse(JSON, text);
            assertThat(ours).as(text).isEqualTo(McpSchema.deserializeJsonRpcMessage(JSON, text));
        }
    }

    @Test
    void aBatchIsEveryMessageInOrder() throws Exception {
        String first = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\"}}";
        String second = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"ok\":true}}";
        assertThat(JsonRpcMessages.parseAll(JSON, "[" + first + "," + second + "]")).containsExactly(
                McpSchema.deserializeJsonRpcMessage(JSON, first), McpSchema.deserializeJsonRpcMessage(JSON, second));
    }

    @Test
    void aResultObjectIsKeptAsTheTextItArrivedInUntilSomeoneReadsIt() throws Exception {
        String result = "{ \"n\": 1.0E2, \"s\": \"a\\\"b\\u00e9 \u00e9\uD83D\uDE00\", \"list\": [1, {\"x\": null}] }";
        JSONRPCMessage message = JsonRpcMessages.parse(JSON, "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":" + result + " }");

        Object parsed = ((McpSchema.JSONRPCResponse) message).result();
        assertThat(parsed).isInstanceOf(RawJsonObject.class);
        RawJsonObject raw = (RawJsonObject) parsed;
        // Exactly the characters sent, spaces and escapes included (a re-serialization would write 100.0 and é).
        assertThat(raw.untouched()).isEqualTo(result);
        assertThat(raw.get("n")).isEqualTo(100.0);
        assertThat(raw.get("s")).isEqualTo("a\"b\u00e9 \u00e9\uD83D\uDE00");
        // Read once, the parsed map is the value from then on: a writer may no longer use the text.
        assertThat(raw.untouched()).isNull();
    }

    @Test
    void aMetaEntryIsSplicedIntoTheTextUnlessTheKeyIsTakenOrTheObjectWasRead() throws Exception {
        String result = "{ \"resultType\": \"complete\", \"n\": 1.0E2, \"list\": [1, {\"_meta\": null}] }";
        RawJsonObject raw = (RawJsonObject) ((McpSchema.JSONRPCResponse) JsonRpcMessages.parse(JSON,
                "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":" + result + "}")).result();

        // No top-level _meta (a nested one does not count): one is appended after the upstream's characters.
        RawJsonObject one = raw.withMetaEntry("a/b", "{\"k\":\"v\"}");
        assertThat(one.untouched()).isEqualTo(result.substring(0, result.length() - 1) + ",\"_meta\":{\"a/b\":{\"k\":\"v\"}}}");
        // Then a second entry goes into that _meta.
        RawJsonObject two = one.withMetaEntry("c", "[1]");
        assertThat(two.untouched()).endsWith(",\"_meta\":{\"a/b\":{\"k\":\"v\"},\"c\":[1]}}");
        assertThat(RawJsonObject.parse(two.untouched())).containsEntry("n", 100.0)
                .containsEntry("_meta", java.util.Map.of("a/b", java.util.Map.of("k", "v"), "c", List.of(1)));
        assertThat(raw.untouched()).as("the original is not changed").isEqualTo(result);
        // A key _meta already has is left to the map (the caller replaces it there).
        assertThat(two.withMetaEntry("c", "{}")).isNull();

        // An upstream's own _meta, empty or not, gets the entry before its closing brace.
        assertThat(RawJsonObject.parse("{\"_meta\": { } ,\"x\":1}").withMetaEntry("k", "2").untouched())
                .isEqualTo("{\"_meta\": { \"k\":2} ,\"x\":1}");
        assertThat(RawJsonObject.parse("{\"_meta\":{\"p\":{\"q\":\"}\"}},\"x\":1}").withMetaEntry("k", "2").untouched())
                .isEqualTo("{\"_meta\":{\"p\":{\"q\":\"}\"},\"k\":2},\"x\":1}");
        assertThat(RawJsonObject.parse("{}").withMetaEntry("k", "2").untouched()).isEqualTo("{\"_meta\":{\"k\":2}}");
        // Escaped names are names: \u005fmeta is _meta, and its "\u006b" is k.
        assertThat(RawJsonObject.parse("{\"\\u005fmeta\":{\"\\u006b\":1}}").withMetaEntry("k", "2")).isNull();
        // A _meta that is not an object, or two of them: only the map can say what to do.
        assertThat(RawJsonObject.parse("{\"_meta\":null}").withMetaEntry("k", "2")).isNull();
        assertThat(RawJsonObject.parse("{\"_meta\":{},\"_meta\":{}}").withMetaEntry("k", "2")).isNull();
        // A name that needs escaping is escaped: the text still reads back with that name.
        String odd = "q\"u\\o\nte\u00e9";
        RawJsonObject escaped = RawJsonObject.parse("{\"x\":1}").withMetaEntry(odd, "3");
        assertThat(new JsonObject(escaped.untouched()).getJsonObject("_meta").getInteger(odd)).isEqualTo(3);

        // Asking for a field it lacks or a string field, or whether it has one, needs no parse: it stays untouched.
        assertThat(raw.get("missing")).isNull();
        assertThat(raw.get("resultType")).isEqualTo("complete");
        assertThat(raw.containsKey("list")).isTrue();
        assertThat(raw.containsKey("_meta")).isFalse();
        assertThat(raw.untouched()).isEqualTo(result);
        assertThat(raw.get("n")).isEqualTo(100.0);
        assertThat(raw.withMetaEntry("k", "{}")).as("read as a map").isNull();
    }

    @Test
    void aLargeResultIsCutAtItsOwnBracesAndOneWithLineBreaksIsParsedAtOnce() throws Exception {
        String big = "{\"content\":[{\"type\":\"text\",\"text\":\"" + "\u00e9x".repeat(100_000) + "\"}],\"isError\":false}";
        RawJsonObject raw = (RawJsonObject) ((McpSchema.JSONRPCResponse) JsonRpcMessages.parse(JSON,
                "{\"id\":\"w-2\",\"result\":" + big + ",\"jsonrpc\":\"2.0\"}")).result();
        assertThat(raw.untouched()).isEqualTo(big);

        // SSE and stdio frame messages by line breaks: text with one cannot be relayed as it came.
        RawJsonObject multiline = (RawJsonObject) ((McpSchema.JSONRPCResponse) JsonRpcMessages.parse(JSON,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\n  \"ok\": true\r\n}}")).result();
        assertThat(multiline.untouched()).isNull();
        assertThat(multiline).containsEntry("ok", true);
    }

    @Test
    void aMalformedResultOrTrailingTextIsRefusedAsBefore() {
        for (String text : List.of("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"a\":[1,2}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"a\":\"\u0001\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"a\":1}} {}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"a\":1}")) {
            assertThatThrownBy(() -> JsonRpcMessages.parse(JSON, text)).as(text).isInstanceOf(java.io.IOException.class);
        }
        assertThatThrownBy(() -> RawJsonObject.parse("[1]")).isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> RawJsonObject.parse("{} {}")).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void whatIsNotJsonRpcIsRefused() {
        for (String text : List.of("[]x", "42", "\"text\"", "{\"jsonrpc\":\"2.0\",\"id\":1}",
                "{\"jsonrpc\":\"2.0\",\"method\":5}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"bad\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1.5,\"message\":\"x\"}}", "{not json")) {
            assertThatThrownBy(() -> JsonRpcMessages.parse(JSON, text)).as(text)
                    .isInstanceOfAny(IllegalArgumentException.class, java.io.IOException.class, RuntimeException.class);
        }
    }
}
