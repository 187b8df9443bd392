package dev.warrant.gateway;

import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.config.RiskRules;
import dev.warrant.gateway.conformance.ConformanceFixtureServer;
import dev.warrant.delegation.KeyFiles;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A 2025 session opened on one member is served by the other, as behind a round-robin load balancer: its calls,
 * its log level, its end (DELETE on one member, unknown on both), its owner check, and an agent's answer to a
 * request the gateway relayed during a call that runs on the other member.
 */
class AnyMemberSessionTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static Path stateDir;
    private static Minter minter;
    private static TwoMembers members;

    @BeforeAll
    static void start() throws Exception {
        stateDir = Files.createTempDirectory("warrant-any-member");
        SigningKey rootKey = KeyFiles.loadOrCreate(stateDir);
        minter = new Minter(rootKey, Clock.systemUTC(), Duration.ofHours(24));
        GatewayConfig.Upstream asking = new GatewayConfig.Upstream(JavaUpstreams.stdio("asking",
                ConformanceFixtureServer.class, List.of(), Map.of(), Duration.ofSeconds(30)), Map.of());
        String admin = minter.mint(MintSpec.builder("ops").right("admin", AdminApi.AREA, "*").ttl(Duration.ofHours(1)).build());
        members = TwoMembers.start(rootKey.publicKey(), stateDir, "warrant-any-member-", new RiskRules(Map.of()),
                List.of(asking), admin);
    }

    @AfterAll
    static void stop() {
        if (members != null) {
            members.close();
        }
    }

    private static String token(String agent) {
        return minter.mint(MintSpec.builder(agent).right("tool", "asking", "*").ttl(Duration.ofMinutes(10)).build());
    }

    private static HttpRequest.Builder request(Gateway member, String token, String session) {
        HttpRequest.Builder b = HttpRequest.newBuilder(member.mcpUrl()).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token).header("MCP-Protocol-Version", "2025-06-18");
        return session == null ? b : b.header("Mcp-Session-Id", session);
    }

    private static HttpResponse<String> post(Gateway member, String token, String session, String body) throws Exception {
        return HTTP.send(request(member, token, session).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String initialize(Gateway member, String token, String capabilities) throws Exception {
        HttpResponse<String> init = post(member, token, null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":" + capabilities
                + ",\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        post(member, token, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return session;
    }

    /** The JSON-RPC message in a response that may be plain JSON or one SSE event. */
    private static JsonObject message(HttpResponse<String> r) {
        String body = r.body().strip();
        if (body.startsWith("{")) {
            return new JsonObject(body);
        }
        return body.lines().filter(l -> l.startsWith("data:")).map(l -> new JsonObject(l.substring(5).strip()))
                .reduce((first, last) -> last).orElseThrow();
    }

    private static String reason(HttpResponse<String> r) {
        return message(r).getJsonObject("error").getJsonObject("data").getString("reason");
    }

    @Test
    void theOtherMemberServesTheSessionUntilItIsDeletedOnEither() throws Exception {
        String alice = token("alice");
        String session = initialize(members.a, alice, "{}");
        HttpResponse<String> onB = post(members.b, alice, session,
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        assertThat(onB.statusCode()).as(onB.body()).isEqualTo(200);
        assertThat(message(onB).getJsonObject("result").getJsonArray("tools").encode()).contains("warrant__delegate");

        // Its GET stream opens on the other member too (a reconnect through a balancer lands anywhere).
        HttpResponse<Stream<String>> stream = HTTP.send(request(members.b, alice, session)
                .setHeader("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        stream.body().close();

        // The owner check holds on the member that never saw the session: another grant is refused.
        HttpResponse<String> stranger = post(members.b, token("mallory"), session,
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}");
        assertThat(stranger.statusCode()).isEqualTo(403);
        // An id changed by one character is no session at all.
        String forged = session.substring(0, session.length() - 2) + (session.endsWith("A") ? "BB" : "AA");
        assertThat(post(members.b, alice, forged, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\"}")
                .statusCode()).isEqualTo(404);

        // DELETE on B: the session is unknown on A too (the end reaches A asynchronously, within a bound).
        HttpResponse<String> deleted = HTTP.send(request(members.b, alice, session).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).as(deleted.body()).isIn(200, 202, 204);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> post(members.a, alice,
                session, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}").statusCode() == 404);
        assertThat(post(members.b, alice, session, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/list\"}")
                .statusCode()).isEqualTo(404);
    }

    /**
     * Starts on A a call of the elicitation tool, which waits for the agent's answer; @return the events of its
     * SSE answer, the first of which (checked here) is the upstream's elicitation request relayed by the gateway
     */
    private static Iterator<JsonObject> elicitingCallOnA(String token, String session, int id, String message)
            throws Exception {
        HttpResponse<Stream<String>> call = HTTP.send(request(members.a, token, session).POST(HttpRequest.BodyPublishers
                .ofString(new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", "tools/call")
                        .put("params", new JsonObject().put("name", "asking__test_elicitation")
                                .put("arguments", new JsonObject().put("message", message))).encode())).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(call.statusCode()).isEqualTo(200);
        return call.body().filter(l -> l.startsWith("data:")).map(l -> new JsonObject(l.substring(5).strip())).iterator();
    }

    @Test
    void anAnswerPostedToTheOtherMemberReachesTheCallThatAsked() throws Exception {
        String bob = token("bob");
        String session = initialize(members.a, bob, "{\"elicitation\":{}}");
        // The call runs on A; its stream brings the upstream's elicitation request, relayed by the gateway.
        Iterator<JsonObject> events = elicitingCallOnA(bob, session, 7, "Who?");
        CompletableFuture<JsonObject> asked = CompletableFuture.supplyAsync(events::next);
        JsonObject request = asked.get(20, TimeUnit.SECONDS);
        assertThat(request.getString("method")).isEqualTo("elicitation/create");

        // The agent answers through the other member, as a round-robin balancer would send it.
        JsonObject answer = new JsonObject().put("jsonrpc", "2.0").put("id", request.getValue("id"))
                .put("result", new JsonObject().put("action", "accept")
                        .put("content", new JsonObject().put("username", "bob").put("email", "b@example.org")));
        HttpResponse<String> posted = post(members.b, bob, session, answer.encode());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);

        JsonObject result = CompletableFuture.supplyAsync(events::next).get(20, TimeUnit.SECONDS);
        assertThat(result.getValue("id")).isEqualTo(7);
        assertThat(result.getJsonObject("result").getJsonArray("content").getJsonObject(0).getString("text"))
                .contains("action=accept").contains("bob");
    }

    @Test
    void aCancellationPostedToTheOtherMemberEndsTheCallThatRunsOnTheFirst() throws Exception {
        String dave = token("dave");
        String session = initialize(members.a, dave, "{\"elicitation\":{}}");
        Iterator<JsonObject> events = elicitingCallOnA(dave, session, 9, "Waiting");
        // The call is waiting for the agent's answer: in flight on A.
        assertThat(CompletableFuture.supplyAsync(events::next).get(20, TimeUnit.SECONDS).getString("method"))
                .isEqualTo("elicitation/create");

        HttpResponse<String> cancelled = post(members.b, dave, session, "{\"jsonrpc\":\"2.0\",\"method\":"
                + "\"notifications/cancelled\",\"params\":{\"requestId\":9,\"reason\":\"changed my mind\"}}");
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(202);
        // The call ends at once with the gateway's `cancelled` (the SDK client ignores an answer to what it cancelled).
        JsonObject ended = CompletableFuture.supplyAsync(events::next).get(20, TimeUnit.SECONDS);
        assertThat(ended.getValue("id")).as(ended.encode()).isEqualTo(9);
        assertThat(ended.getJsonObject("error").getJsonObject("data").getString("reason")).isEqualTo("cancelled");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readAllLines(stateDir.resolve("a/audit.log")).stream().map(JsonObject::new).anyMatch(j -> "dave".equals(j.getString("caller"))
                && "tools/call".equals(j.getString("method")) && "cancelled".equals(j.getString("reason"))));
    }

    @Test
    void aLogLevelSetOnOneMemberIsTheSessionsOnTheOther() throws Exception {
        String carol = token("carol");
        String session = initialize(members.a, carol, "{}");
        HttpResponse<String> set = post(members.b, carol, session,
                "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"error\"}}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> "error".equals(members.a.sessions().peek(session).logLevel()));
    }
}
