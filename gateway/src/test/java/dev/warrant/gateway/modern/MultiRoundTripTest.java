package dev.warrant.gateway.modern;

import dev.warrant.delegation.MintSpec;
import dev.warrant.gateway.JavaUpstreams;
import dev.warrant.gateway.TestGateway;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.conformance.ConformanceFixtureServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Multi round-trip requests on the wire, as an attacker would try them: the {@code requestState} Warrant hands
 * out cannot be replayed by another caller, steered to another tool or other arguments, or forged; the right
 * retry completes the call that was waiting for it. The upstream is a 2025-era server that asks its client
 * with an elicitation request (the conformance fixture, Java SDK, stdio).
 */
class MultiRoundTripTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        GatewayConfig.Upstream asking = new GatewayConfig.Upstream(JavaUpstreams.stdio("asking",
                ConformanceFixtureServer.class, List.of(), Map.of(), Duration.ofSeconds(20)), Map.of());
        gw = new TestGateway(null, null, List.of(asking), null, UnaryOperator.identity());
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private static String token(String agent) {
        return gw.minter.mint(MintSpec.builder(agent).right("tool", "asking", "*").ttl(Duration.ofMinutes(10)).build());
    }

    private static final JsonObject ELICITATION = new JsonObject().put("elicitation", new JsonObject());

    private static HttpResponse<String> call(String token, String tool, JsonObject arguments, JsonObject extra)
            throws Exception {
        return HTTP.send(ModernCalls.toolCall(gw.mcpUrl(), token, 1, tool, arguments, extra, ELICITATION),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject result(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getJsonObject("result");
    }

    private static void refused(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getInteger("code")).isEqualTo(-32602);
        assertThat(error.getJsonObject("data").getString("reason")).isEqualTo("request_state_invalid");
    }

    @Test
    void theStateWorksOnlyForItsCallerToolAndArgumentsAndTheRightRetryCompletesTheCall() throws Exception {
        String alice = token("alice");
        JsonObject args = new JsonObject().put("message", "Who are you?");
        JsonObject asked = result(call(alice, "asking__test_elicitation", args, new JsonObject()));
        assertThat(asked.getString("resultType")).isEqualTo("input_required");
        JsonObject requests = asked.getJsonObject("inputRequests");
        assertThat(requests.size()).isEqualTo(1);
        String key = requests.fieldNames().iterator().next();
        assertThat(requests.getJsonObject(key).getString("method")).isEqualTo("elicitation/create");
        assertThat(requests.getJsonObject(key).getJsonObject("params").getString("message")).isEqualTo("Who are you?");
        String state = asked.getString("requestState");
        JsonObject answer = new JsonObject().put(key, new JsonObject().put("action", "accept")
                .put("content", new JsonObject().put("username", "alice").put("email", "a@example.org")));
        JsonObject retry = new JsonObject().put("inputResponses", answer).put("requestState", state);

        // Another caller (another grant) cannot continue it.
        refused(call(token("mallory"), "asking__test_elicitation", args, retry));
        // Nor can alice steer it to other arguments or another tool.
        refused(call(alice, "asking__test_elicitation", new JsonObject().put("message", "other"), retry));
        refused(call(alice, "asking__test_sampling", new JsonObject().put("prompt", "x"), retry));
        // A forged or altered state is refused the same way.
        refused(call(alice, "asking__test_elicitation", args, retry.copy().put("requestState", "w2.AAAA")));
        refused(call(alice, "asking__test_elicitation", args,
                retry.copy().put("requestState", state.substring(0, state.length() - 2) + "AA")));

        // The right retry answers the waiting upstream call, which completes.
        JsonObject done = result(call(alice, "asking__test_elicitation", args, retry));
        assertThat(done.getString("resultType")).isEqualTo("complete");
        assertThat(done.getJsonArray("content").getJsonObject(0).getString("text"))
                .isEqualTo("User response: action=accept, content={\"username\":\"alice\",\"email\":\"a@example.org\"}");
        // A parked call is taken once: replaying the same state finds nothing.
        refused(call(alice, "asking__test_elicitation", args, retry));

        // Every round and every refusal is audited; alice's two rounds share one correlation id.
        List<JsonObject> lines = Files.readAllLines(gw.stateDir.resolve("audit.log")).stream().map(JsonObject::new)
                .filter(j -> "tools/call".equals(j.getString("method"))).toList();
        List<JsonObject> rounds = lines.stream().filter(j -> "alice".equals(j.getString("caller"))
                && "allowed".equals(j.getString("reason"))).toList();
        assertThat(rounds).hasSize(2);
        assertThat(rounds.get(0).getString("correlationId")).isNotNull().isEqualTo(rounds.get(1).getString("correlationId"));
        assertThat(lines).filteredOn(j -> "request_state_invalid".equals(j.getString("reason"))).hasSize(6)
                .allSatisfy(j -> assertThat(j.getString("decision")).isEqualTo("deny"));
    }

    @Test
    void anAgentThatDidNotDeclareElicitationIsNotAskedAndGetsAnError() throws Exception {
        HttpResponse<String> r = HTTP.send(ModernCalls.toolCall(gw.mcpUrl(), token("bob"), 1,
                "asking__test_elicitation", new JsonObject().put("message", "hi"), new JsonObject(), new JsonObject()),
                HttpResponse.BodyHandlers.ofString());
        // The gateway declares elicitation upstream for every agent; this one did not, so the upstream's request
        // is refused upstream (-32601 naming what is missing) and the call fails with the upstream's error.
        // No input_required, no hang.
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error).as(r.body()).isNotNull();
        assertThat(error.encode()).contains("elicitation");
        assertThat(r.body()).doesNotContain("input_required");
    }
}
