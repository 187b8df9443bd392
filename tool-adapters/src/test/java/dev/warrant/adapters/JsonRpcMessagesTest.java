package dev.warrant.adapters;

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
    void whatIsNotJsonRpcIsRefused() {
        for (String text : List.of("[]x", "42", "\"text\"", "{\"jsonrpc\":\"2.0\",\"id\":1}",
                "{\"jsonrpc\":\"2.0\",\"method\":5}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"bad\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1.5,\"message\":\"x\"}}", "{not json")) {
            assertThatThrownBy(() -> JsonRpcMessages.parse(JSON, text)).as(text)
                    .isInstanceOfAny(IllegalArgumentException.class, java.io.IOException.class, RuntimeException.class);
        }
    }
}
