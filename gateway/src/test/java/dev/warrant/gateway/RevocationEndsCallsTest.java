package dev.warrant.gateway;

import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.modern.ModernCalls;
import dev.warrant.gateway.config.RiskRules;
import dev.warrant.gateway.transport.RevokedSessions;
import dev.warrant.policies.RiskTier;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A revoked token's open session and in-flight calls end (docs/ARCHITECTURE.md §5.2), across the cluster: the agent works on
 * member A (a GET stream, a call held for human approval, a call in flight upstream), the revocation is made on
 * member B. Two members in this JVM, each with its own Vert.x and Hazelcast member.
 */
class RevocationEndsCallsTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static Path stateDir;
    static Minter minter;
    static Verifier verifier;
    static Gateway a;
    static Gateway b;
    static TwoMembers members;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        stateDir = Files.createTempDirectory("warrant-revocation-ends");
        SigningKey rootKey = KeyFiles.loadOrCreate(stateDir);
        minter = new Minter(rootKey, Clock.systemUTC(), Duration.ofHours(24));
        verifier = new Verifier(KeyRing.of(rootKey.publicKey()), VerifierSettings.defaults(), Clock.systemUTC());
        RiskRules risk = new RiskRules(Map.of(RiskTier.HIGH,
                new RiskRules.Rule(Optional.empty(), true, Duration.ofSeconds(60))));
        GatewayConfig.Upstream slow = new GatewayConfig.Upstream(JavaUpstreams.stdio("slow", SlowUpstream.class,
                List.of(stateDir.resolve("upstream.log").toString()), Map.of(), Duration.ofSeconds(60)),
                Map.of("hold", RiskTier.HIGH, "slow", RiskTier.LOW));
        admin = minter.mint(MintSpec.builder("alice").right("admin", AdminApi.AREA, "*").ttl(Duration.ofHours(1)).build());
        members = TwoMembers.start(rootKey.publicKey(), stateDir, "warrant-revocation-ends-", risk, List.of(slow), admin);
        a = members.a;
        b = members.b;
    }

    @AfterAll
    static void stop() {
        if (members != null) {
            members.close();
        }
    }

    @Test
    void revokingOnAnotherMemberEndsTheStreamTheHeldCallAndTheUpstreamCall() throws Exception {
        String planner = minter.mint(MintSpec.builder("planner").right("tool", "slow", "*")
                .ttl(Duration.ofHours(1)).build());
        HttpResponse<String> init = post(planner, null, Agents.INITIALIZE);
        assertThat(init.statusCode()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        post(planner, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");

        // The GET stream: the response future completes once the headers are in; the lines end with the stream.
        HttpResponse<Stream<String>> stream = HTTP.send(HttpRequest.newBuilder(a.mcpUrl()).timeout(Duration.ofSeconds(30))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + planner)
                .header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18").GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        CompletableFuture<Long> streamEnded = CompletableFuture.supplyAsync(() -> stream.body().count());

        CompletableFuture<HttpResponse<String>> held = postAsync(planner, session, call(7, "slow__hold"));
        JsonObject pending = awaitPending();
        CompletableFuture<HttpResponse<String>> slow = postAsync(planner, session, call(8, "slow__slow"));
        Path upstreamLog = stateDir.resolve("upstream.log");
        awaitLine(upstreamLog, "started ");
        assertThat(streamEnded).as("the stream stays open before the revocation").isNotDone();

        String root = verifier.verify(planner).revocationIds().get(0);
        HttpResponse<String> revoke = admin(b, "POST", "/admin/revocations",
                new JsonObject().put("revocationId", root).put("reason", "test").encode());
        assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(200);

        streamEnded.get(10, TimeUnit.SECONDS);
        assertThat(reason(held.get(10, TimeUnit.SECONDS))).isEqualTo("revoked");
        HttpResponse<String> slowAnswer = slow.get(10, TimeUnit.SECONDS);
        assertThat(reason(slowAnswer)).isEqualTo("revoked");

        // The upstream was told: notifications/cancelled for the very request it started.
        String started = awaitLine(upstreamLog, "started ").substring("started ".length());
        String cancelled = awaitLine(upstreamLog, "cancelled ");
        assertThat(cancelled).startsWith("cancelled " + started + " ").contains("revoked");

        // The pending approval is withdrawn cluster-wide: no member lists it, and nobody can approve it any more.
        for (Gateway g : List.of(a, b)) {
            JsonArray list = new JsonObject(admin(g, "GET", "/admin/approvals", null).body()).getJsonArray("approvals");
            assertThat(list.stream().map(o -> ((JsonObject) o).getString("id"))).doesNotContain(pending.getString("id"));
        }
        assertThat(admin(b, "POST", "/admin/approvals/" + pending.getString("id") + "/approve", null).statusCode())
                .isEqualTo(404);

        // The next request on that session: the revoked token is refused (401), and the session itself is gone
        // (404 even for a fresh token of the same agent).
        HttpResponse<String> next = post(planner, session, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}");
        assertThat(next.statusCode()).isEqualTo(401);
        assertThat(reason(next)).isEqualTo("revoked");
        String fresh = minter.mint(MintSpec.builder("planner").right("tool", "slow", "*").ttl(Duration.ofHours(1)).build());
        HttpResponse<String> gone = post(fresh, session, "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"ping\"}");
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(reason(gone)).isEqualTo("session_unknown");

        // Audit: both calls end as "revoked" (the held one names its approval), and the session's end has a line.
        List<JsonObject> audit = awaitAudit(stateDir.resolve("a/audit.log"), 3);
        assertThat(audit).anySatisfy(r -> {
            assertThat(r.getString("method")).isEqualTo("tools/call");
            assertThat(r.getString("approvalId")).isEqualTo(pending.getString("id"));
            assertThat(r.getString("decision")).isEqualTo("deny");
        });
        assertThat(audit).anySatisfy(r -> {
            assertThat(r.getString("method")).isEqualTo("tools/call");
            assertThat(r.getString("target")).contains("slow");
            assertThat(r.getString("approvalId")).isNull();
        });
        assertThat(audit).anySatisfy(r -> {
            assertThat(r.getString("method")).isEqualTo(RevokedSessions.METHOD);
            assertThat(r.getString("sessionId")).isEqualTo(session);
            assertThat(r.getString("caller")).isEqualTo("planner");
        });
    }

    @Test
    void revokingEndsAModernAgentsHeldAndInFlightCallsThoughItHasNoSession() throws Exception {
        String planner = minter.mint(MintSpec.builder("modern-planner").right("tool", "slow", "*")
                .ttl(Duration.ofHours(1)).build());
        CompletableFuture<HttpResponse<String>> held = HTTP.sendAsync(modernCall(planner, 17, "slow__hold"),
                HttpResponse.BodyHandlers.ofString());
        JsonObject pending = awaitPending();
        Path upstreamLog = stateDir.resolve("upstream.log");
        long startedBefore = lines(upstreamLog, "started ");
        CompletableFuture<HttpResponse<String>> slow = HTTP.sendAsync(modernCall(planner, 18, "slow__slow"),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(20)).until(() -> lines(upstreamLog, "started ") > startedBefore);

        String root = verifier.verify(planner).revocationIds().get(0);
        HttpResponse<String> revoke = admin(b, "POST", "/admin/revocations",
                new JsonObject().put("revocationId", root).put("reason", "test").encode());
        assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(200);

        assertThat(reason(held.get(10, TimeUnit.SECONDS))).isEqualTo("revoked");
        assertThat(reason(slow.get(10, TimeUnit.SECONDS))).isEqualTo("revoked");
        for (Gateway g : List.of(a, b)) {
            JsonArray list = new JsonObject(admin(g, "GET", "/admin/approvals", null).body()).getJsonArray("approvals");
            assertThat(list.stream().map(o -> ((JsonObject) o).getString("id"))).doesNotContain(pending.getString("id"));
        }
    }

    /** A 2026-07-28 tools/call on member A: no session, the envelope in _meta, the routing headers. */
    private static HttpRequest modernCall(String token, int id, String tool) {
        return ModernCalls.toolCall(a.mcpUrl(), token, id, tool, new JsonObject(), new JsonObject(), new JsonObject());
    }

    private static long lines(Path file, String prefix) throws java.io.IOException {
        return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> l.startsWith(prefix)).count() : 0;
    }

    // --- helpers ---

    private static String call(int id, String tool) {
        return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", "tools/call")
                .put("params", new JsonObject().put("name", tool).put("arguments", new JsonObject())).encode();
    }

    /** The reason code of a JSON-RPC error, whether the answer is a JSON body or an SSE stream's last event. */
    private static String reason(HttpResponse<String> r) {
        List<JsonObject> messages = new ArrayList<>();
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            r.body().lines().filter(l -> l.startsWith("data:")).forEach(l -> messages.add(new JsonObject(l.substring(5).trim())));
        } else {
            messages.add(new JsonObject(r.body()));
        }
        JsonObject last = messages.get(messages.size() - 1);
        assertThat(last.containsKey("error")).as(r.statusCode() + " " + r.body()).isTrue();
        return last.getJsonObject("error").getJsonObject("data").getString("reason");
    }

    private static HttpResponse<String> post(String token, String session, String body) throws Exception {
        return HTTP.send(request(token, session, body), HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<HttpResponse<String>> postAsync(String token, String session, String body) {
        return HTTP.sendAsync(request(token, session, body), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String token, String session, String body) {
        HttpRequest.Builder r = HttpRequest.newBuilder(a.mcpUrl()).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            r.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18");
        }
        return r.build();
    }

    private static HttpResponse<String> admin(Gateway g, String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(g.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject awaitPending() {
        return await("member B lists the held call").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> new JsonObject(admin(b, "GET", "/admin/approvals", null).body()).getJsonArray("approvals"),
                        list -> !list.isEmpty())
                .getJsonObject(0);
    }

    private static String awaitLine(Path file, String prefix) {
        return await("a line starting with '" + prefix + "' in " + file).atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> l.startsWith(prefix))
                        .findFirst() : Optional.<String>empty(), Optional::isPresent)
                .orElseThrow();
    }

    /** The audit lines with reason "revoked", once there are at least {@code atLeast} of them. */
    private static List<JsonObject> awaitAudit(Path file, int atLeast) {
        // A line is appended whole, but a read may still meet the end of one being written: poll again.
        return await(atLeast + " audit lines with reason revoked").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50)).ignoreExceptionsInstanceOf(DecodeException.class)
                .until(() -> !Files.exists(file) ? List.<JsonObject>of() : Files.readAllLines(file).stream()
                        .filter(l -> !l.isBlank()).map(JsonObject::new)
                        .filter(r -> "revoked".equals(r.getString("reason"))).toList(), revoked -> revoked.size() >= atLeast);
    }

}
