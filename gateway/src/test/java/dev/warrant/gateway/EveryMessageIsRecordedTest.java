package dev.warrant.gateway;

import dev.warrant.delegation.MintSpec;
import dev.warrant.gateway.transport.SessionSettings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every message an agent sends passes the same stages: a GET, a DELETE, a notification and a response are
 * authenticated, bound to their session and audited like a request, refusals included. And one token's flood
 * of initialize requests cannot lock another token out of the session table.
 */
class EveryMessageIsRecordedTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int PER_GRANT = 20;
    private static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        gw = new TestGateway(null, null, b -> b.sessions(new SessionSettings(Duration.ofHours(1), 10_000, PER_GRANT)));
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private static String token(String agent) {
        return gw.minter.mint(MintSpec.builder(agent).right("tool", "notes", "read_note").ttl(Duration.ofMinutes(10)).build());
    }

    private static String openSession(String token) throws Exception {
        HttpResponse<String> r = Agents.post(gw.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    private static HttpResponse<String> send(String method, String token, String sessionId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gw.mcpUrl()).timeout(Duration.ofSeconds(20))
                .header("Accept", "text/event-stream")
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (sessionId != null) {
            b.header("Mcp-Session-Id", sessionId);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject auditLine(Predicate<JsonObject> which) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> Files.readAllLines(gw.stateDir.resolve("audit.log"))
                .stream().map(JsonObject::new).filter(which).findFirst().orElse(null), line -> line != null);
    }

    @Test
    void aRefusedGetDeleteAndNotificationEachLeaveAnAuditLine() throws Exception {
        String owner = token("get-owner");
        String session = openSession(owner);
        String intruder = token("get-intruder");

        assertThat(send("GET", intruder, session).statusCode()).isEqualTo(403);
        JsonObject get = auditLine(j -> "stream".equals(j.getString("method")) && "get-intruder".equals(j.getString("caller")));
        assertThat(get.getString("decision")).isEqualTo("deny");
        assertThat(get.getString("reason")).isEqualTo("session_owner_mismatch");

        assertThat(send("DELETE", "not-a-token", session).statusCode()).isEqualTo(401);
        JsonObject delete = auditLine(j -> "end_session".equals(j.getString("method")));
        assertThat(delete.getString("decision")).isEqualTo("deny");
        assertThat(delete.getString("reason")).isEqualTo("token_malformed");

        HttpResponse<String> cancelled = Agents.post(gw.mcpUrl(),
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":7}}",
                "Authorization", "Bearer " + owner);
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(400);
        JsonObject notification = auditLine(j -> "notifications/cancelled".equals(j.getString("method")));
        assertThat(notification.getString("reason")).isEqualTo("session_missing");
        assertThat(notification.getString("caller")).isEqualTo("get-owner");
    }

    @Test
    void acceptedNotificationsResponsesAndDeletesAreRecordedWithTheirSession() throws Exception {
        String owner = token("quiet-owner");
        String session = openSession(owner);

        HttpResponse<String> initialized = Agents.post(gw.mcpUrl(),
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                "Authorization", "Bearer " + owner, "Mcp-Session-Id", session);
        assertThat(initialized.statusCode()).isEqualTo(202);
        HttpResponse<String> lateAnswer = Agents.post(gw.mcpUrl(),
                "{\"jsonrpc\":\"2.0\",\"id\":\"warrant-99\",\"result\":{}}",
                "Authorization", "Bearer " + owner, "Mcp-Session-Id", session);
        assertThat(lateAnswer.statusCode()).isEqualTo(202);
        assertThat(send("DELETE", owner, session).statusCode()).isEqualTo(200);

        for (String method : List.of("notifications/initialized", "response", "end_session")) {
            JsonObject line = auditLine(j -> method.equals(j.getString("method")) && session.equals(j.getString("sessionId")));
            assertThat(line.getString("decision")).as(method).isEqualTo("allow");
            assertThat(line.getString("caller")).isEqualTo("quiet-owner");
            assertThat(line.getString("traceId")).as("every message has its span").isNotNull();
        }
        assertThat(send("GET", owner, session).statusCode()).as("the session is gone").isEqualTo(404);
    }

    @Test
    void oneTokensFloodOfInitializeLeavesAnotherTokensInitializeAnswered() throws Exception {
        String flooder = token("flooder");
        int opened = 0;
        int refused = 0;
        for (int i = 0; i < 3 * PER_GRANT; i++) {
            HttpResponse<String> r = Agents.post(gw.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer " + flooder);
            if (r.statusCode() == 200 && r.headers().firstValue("Mcp-Session-Id").isPresent()) {
                opened++;
            } else {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
                assertThat(new JsonObject(r.body()).getJsonObject("error").getJsonObject("data").getString("reason"))
                        .isEqualTo("session_limit");
                refused++;
            }
        }
        assertThat(opened).isEqualTo(PER_GRANT);
        assertThat(refused).isEqualTo(2 * PER_GRANT);
        String flooderRoot = dev.warrant.delegation.TokenInspector.inspectUnverified(flooder).revocationIds().get(0);
        assertThat(gw.gateway.sessions().heldBy(flooderRoot)).as("refused requests left no session").isEqualTo(PER_GRANT);

        String bystander = token("bystander");
        String session = openSession(bystander);
        HttpResponse<String> call = Agents.post(gw.mcpUrl(), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
                        + "\"params\":{\"name\":\"notes__read_note\",\"arguments\":{\"path\":\"/notes/public/hello.md\"}}}",
                "Authorization", "Bearer " + bystander, "Mcp-Session-Id", session);
        assertThat(call.statusCode()).isEqualTo(200);
        assertThat(call.body()).contains("Hello").doesNotContain("\"error\"");
    }

    @Test
    void aPostFromAForeignOriginIsRefusedAndRecorded() throws Exception {
        HttpResponse<String> r = Agents.post(gw.mcpUrl(), Agents.INITIALIZE, "Origin", "http://evil.example");
        assertThat(r.statusCode()).isEqualTo(403);
        JsonObject line = auditLine(j -> "unreadable".equals(j.getString("method")));
        assertThat(line.getString("reason")).isEqualTo("origin_forbidden");
        assertThat(line.getString("decision")).isEqualTo("deny");
    }
}
