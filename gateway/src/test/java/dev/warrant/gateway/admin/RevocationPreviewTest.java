package dev.warrant.gateway.admin;

import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import dev.warrant.gateway.Gateway;
import dev.warrant.gateway.JavaUpstreams;
import dev.warrant.gateway.ProcessPorts;
import dev.warrant.gateway.SlowUpstream;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.config.RiskRules;
import dev.warrant.gateway.modern.ModernCalls;
import dev.warrant.otel.Telemetry;
import dev.warrant.policies.RiskTier;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.warrant.gateway.admin.AdminCalls.HTTP;
import static dev.warrant.gateway.admin.AdminCalls.ok;
import static dev.warrant.gateway.admin.AdminCalls.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The revocation preview counts what a revocation would stop across a two-member cluster in this JVM (an open
 * session, a held call and an in-flight 2026 request on member A, asked on member B) and revokes nothing; the
 * revoke answer then names both members as confirming, with the time.
 */
class RevocationPreviewTest {

    static Path stateDir;
    static Minter minter;
    static Verifier verifier;
    static Gateway a;
    static Gateway b;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        stateDir = Files.createTempDirectory("warrant-preview");
        SigningKey rootKey = KeyFiles.loadOrCreate(stateDir);
        minter = new Minter(rootKey, Clock.systemUTC(), Duration.ofHours(24));
        verifier = new Verifier(KeyRing.of(rootKey.publicKey()), VerifierSettings.defaults(), Clock.systemUTC());
        admin = minter.mint(MintSpec.builder("alice").right("admin", AdminApi.AREA, "*").ttl(Duration.ofHours(1)).build());
        RiskRules risk = new RiskRules(Map.of(RiskTier.HIGH,
                new RiskRules.Rule(Optional.empty(), true, Duration.ofSeconds(60))));
        GatewayConfig.Upstream slow = new GatewayConfig.Upstream(JavaUpstreams.stdio("slow", SlowUpstream.class,
                List.of(stateDir.resolve("upstream.log").toString()), Map.of(), Duration.ofSeconds(60)),
                Map.of("hold", RiskTier.HIGH, "slow", RiskTier.LOW));
        int portA = ProcessPorts.freePort();
        int portB = ProcessPorts.freePort();
        List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
        String cluster = "warrant-preview-" + UUID.randomUUID();
        CompletableFuture<Gateway> startA = CompletableFuture.supplyAsync(() -> start(config(rootKey, cluster, members, risk)
                .stateDir(stateDir.resolve("a")).clusterPort(portA).upstreams(List.of(slow)).build()));
        CompletableFuture<Gateway> startB = CompletableFuture.supplyAsync(() -> start(config(rootKey, cluster, members, risk)
                .stateDir(stateDir.resolve("b")).clusterPort(portB).build()));
        a = startA.get(90, TimeUnit.SECONDS);
        b = startB.get(90, TimeUnit.SECONDS);
        await("the two members joined").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> ok(b, admin, "GET", "/admin/cluster", null).getInteger("members") == 2);
    }

    private static GatewayConfig.Builder config(SigningKey rootKey, String cluster, List<String> members, RiskRules risk) {
        return GatewayConfig.builder().host("127.0.0.1").port(0).rootKeys(List.of(rootKey.publicKey()))
                .clusterName(cluster).clusterMembers(members).risk(risk);
    }

    private static Gateway start(GatewayConfig config) {
        try {
            return Gateway.start(config, Telemetry.noop(), Clock.systemUTC());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void previewCountsASessionAHeldCallAndAnInFlightRequestAcrossTheClusterAndRevokesNothing() throws Exception {
        String planner = minter.mint(MintSpec.builder("planner").right("tool", "slow", "*")
                .ttl(Duration.ofHours(1)).build());
        String root = verifier.verify(planner).revocationIds().get(0);
        HttpResponse<String> init = mcp(planner, null, INITIALIZE);
        assertThat(init.statusCode()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        mcp(planner, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        CompletableFuture<HttpResponse<String>> held = HTTP.sendAsync(request(planner, session, call(7, "slow__hold")),
                HttpResponse.BodyHandlers.ofString());
        await("the held call is listed").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> ok(b, admin, "GET", "/admin/approvals", null).getJsonArray("approvals").size() == 1);
        Path upstreamLog = stateDir.resolve("upstream.log");
        CompletableFuture<HttpResponse<String>> inFlight = HTTP.sendAsync(ModernCalls.toolCall(a.mcpUrl(), planner, 8,
                "slow__slow", new JsonObject(), new JsonObject(), new JsonObject()), HttpResponse.BodyHandlers.ofString());
        await("the 2026 call reached the upstream").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> Files.exists(upstreamLog) && Files.readString(upstreamLog).contains("started "));

        JsonObject preview = ok(b, admin, "POST", "/admin/revocations/preview",
                new JsonObject().put("revocationId", root).put("reason", "looking first").encode());

        assertThat(preview.getBoolean("revoked")).isFalse();
        assertThat(preview.getBoolean("complete")).isTrue();
        assertThat(preview.getInteger("asked")).isEqualTo(2);
        assertThat(preview.getInteger("answered")).isEqualTo(2);
        JsonObject wouldStop = preview.getJsonObject("wouldStop");
        assertThat(wouldStop.getInteger("sessions")).isEqualTo(1);
        assertThat(wouldStop.getInteger("heldCalls")).isEqualTo(1);
        assertThat(wouldStop.getInteger("inFlightRequests")).isEqualTo(1);
        assertThat(wouldStop.getInteger("parkedCalls")).isZero();
        assertThat(wouldStop.getInteger("liveTasks")).isZero();
        assertThat(wouldStop.getInteger("tokensSeen")).isEqualTo(1);
        JsonArray members = preview.getJsonArray("members");
        assertThat(members).hasSize(2);
        JsonObject memberA = member(members, false);
        assertThat(memberA.getBoolean("answered")).isTrue();
        assertThat(memberA.getInteger("sessions")).isEqualTo(1);
        assertThat(memberA.getInteger("inFlightRequests")).isEqualTo(1);
        assertThat(member(members, true).getInteger("sessions")).as("B serves none of it").isZero();
        assertThat(preview.getJsonArray("notes").encode()).contains("attenuated offline");

        // The same reach by agent; nothing by an unknown task.
        JsonObject byAgent = ok(b, admin, "POST", "/admin/revocations/preview",
                new JsonObject().put("agent", "planner").encode()).getJsonObject("wouldStop");
        assertThat(byAgent.getInteger("sessions")).isEqualTo(1);
        assertThat(byAgent.getInteger("heldCalls")).isEqualTo(1);
        JsonObject byTask = ok(b, admin, "POST", "/admin/revocations/preview",
                new JsonObject().put("task", "no-such-task").encode()).getJsonObject("wouldStop");
        assertThat(byTask.getInteger("sessions")).isZero();
        assertThat(byTask.getInteger("heldCalls")).isZero();

        // Nothing was revoked: the token still works on its session, the held call still waits.
        assertThat(mcp(planner, session, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}").statusCode()).isEqualTo(200);
        assertThat(ok(a, admin, "GET", "/admin/approvals", null).getJsonArray("approvals")).hasSize(1);
        assertThat(held).isNotDone();
        assertThat(ok(b, admin, "GET", "/admin/cluster", null).getInteger("revocations")).isZero();

        // The revocation itself: confirmed by both members, with the time of the last confirmation.
        Instant before = Instant.now();
        JsonObject revoked = ok(b, admin, "POST", "/admin/revocations",
                new JsonObject().put("revocationId", root).encode());
        assertThat(revoked.getString("revoked")).isEqualTo(root);
        assertThat(revoked.getString("kind")).isEqualTo("id");
        assertThat(revoked.getString("expiresAt")).isNotNull();
        assertThat(revoked.getInteger("members")).isEqualTo(2);
        Set<String> confirmed = revoked.getJsonArray("confirmedBy").stream()
                .map(o -> ((JsonObject) o).getString("id")).collect(Collectors.toSet());
        Set<String> ids = members.stream().map(o -> ((JsonObject) o).getString("id")).collect(Collectors.toSet());
        assertThat(confirmed).isEqualTo(ids);
        assertThat(Instant.parse(revoked.getString("confirmedAt"))).isAfterOrEqualTo(before.minusSeconds(1))
                .isBeforeOrEqualTo(Instant.now());

        // Now it took effect: the held call and the in-flight request end, and the preview finds nothing open.
        assertThat(held.get(10, TimeUnit.SECONDS).body()).contains("revoked");
        assertThat(inFlight.get(10, TimeUnit.SECONDS).body()).contains("revoked");
        JsonObject after = ok(b, admin, "POST", "/admin/revocations/preview",
                new JsonObject().put("revocationId", root).encode()).getJsonObject("wouldStop");
        assertThat(after.getInteger("sessions")).isZero();
        assertThat(after.getInteger("heldCalls")).isZero();
        assertThat(after.getInteger("inFlightRequests")).isZero();
    }

    @Test
    void previewNeedsTheRevocationRightAndAValidBody() throws Exception {
        String reader = minter.mint(MintSpec.builder("viewer").right("admin", AdminApi.AREA, AdminApi.CLUSTER_READ)
                .ttl(Duration.ofHours(1)).build());
        HttpResponse<String> refused = send(b, reader, "POST", "/admin/revocations/preview",
                new JsonObject().put("agent", "planner").encode());
        assertThat(refused.statusCode()).isEqualTo(403);
        HttpResponse<String> two = send(b, admin, "POST", "/admin/revocations/preview",
                new JsonObject().put("agent", "planner").put("task", "t").encode());
        assertThat(two.statusCode()).isEqualTo(400);
        assertThat(AdminCalls.reason(two)).isEqualTo("invalid_request");
    }

    private static JsonObject member(JsonArray members, boolean self) {
        return members.stream().map(o -> (JsonObject) o).filter(m -> m.getBoolean("self") == self).findFirst().orElseThrow();
    }

    static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";

    private static String call(int id, String tool) {
        return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", "tools/call")
                .put("params", new JsonObject().put("name", tool).put("arguments", new JsonObject())).encode();
    }

    private static HttpResponse<String> mcp(String token, String session, String body) throws Exception {
        return HTTP.send(request(token, session, body), HttpResponse.BodyHandlers.ofString());
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
}
