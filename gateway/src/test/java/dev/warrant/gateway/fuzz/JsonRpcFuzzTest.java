package dev.warrant.gateway.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.transport.JsonRpc;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON-RPC envelope parser under arbitrary bytes: decoding may refuse them (DecodeException), the parser
 * may refuse the envelope (WarrantException, which the transport turns into a JSON-RPC error); nothing else may
 * escape (it would become an internal error or a dropped request). Runs its corpus in every {@code mvn test}.
 */
class JsonRpcFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void parseEnvelope(byte[] input) {
        JsonObject json;
        try {
            json = new JsonObject(Buffer.buffer(input));
        } catch (DecodeException e) {
            return;
        }
        try {
            JsonRpc.Message m = JsonRpc.parse(json);
            if (m instanceof JsonRpc.Request r) {
                assertThat(r.id()).isNotNull();
                assertThat(r.method()).isNotEmpty();
                assertThat(r.params()).isNotNull();
            } else if (m instanceof JsonRpc.Notification n) {
                assertThat(n.method()).isNotEmpty();
                assertThat(n.params()).isNotNull();
            }
        } catch (WarrantException e) {
            assertThat(e.reason()).isNotNull();
        }
    }
}
