package dev.warrant.gateway;

import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.config.RiskRules;
import dev.warrant.gateway.demo.NotesServer;
import dev.warrant.policies.RiskTier;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pending approvals live in the cluster: a call held on member A is listed and approved through member B's admin
 * API, and A releases it. Two members in this JVM, each with its own Vert.x and Hazelcast member.
 */
class ApprovalClusterTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Path stateDir;
    static Minter minter;
    static Gateway a;
    static Gateway b;
    static TwoMembers members;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        stateDir = Files.createTempDirectory("warrant-approval-cluster");
        SigningKey rootKey = KeyFiles.loadOrCreate(stateDir);
        minter = new Minter(rootKey, Clock.systemUTC(), Duration.ofHours(24));
        RiskRules risk = new RiskRules(Map.of(RiskTier.HIGH,
                new RiskRules.Rule(Optional.empty(), true, Duration.ofSeconds(30))));
        GatewayConfig.Upstream notes = new GatewayConfig.Upstream(JavaUpstreams.stdio("notes", NotesServer.class,
                List.of("--state-dir", stateDir.toString()), Map.of(), Duration.ofSeconds(20)),
                Map.of("write_note", RiskTier.HIGH));
        admin = minter.mint(MintSpec.builder("alice").right("admin", AdminApi.AREA, "*").ttl(Duration.ofHours(1)).build());
        members = TwoMembers.start(rootKey.publicKey(), stateDir, "warrant-approval-", risk, List.of(notes), admin);
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
    void approvalOnAnotherMemberReleasesTheHeldCall() throws Exception {
        String planner = minter.mint(MintSpec.builder("planner").right("tool", "notes", "write_note")
                .ttl(Duration.ofHours(1)).build());
        HttpResponse<String> init = Agents.post(a.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer " + planner);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        String call = new JsonObject().put("jsonrpc", "2.0").put("id", 7).put("method", "tools/call")
                .put("params", new JsonObject().put("name", "notes__write_note")
                        .put("arguments", new JsonObject().put("path", "/notes/public/cluster.md").put("text", "via b")))
                .encode();
        CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() -> {
            try {
                return Agents.post(a.mcpUrl(), call, "Authorization", "Bearer " + planner, "Mcp-Session-Id", session,
                        "MCP-Protocol-Version", "2025-06-18");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        JsonObject pending = await("member B lists the call held on A").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> new JsonObject(get(b, "/admin/approvals").body()).getJsonArray("approvals"),
                        list -> !list.isEmpty())
                .getJsonObject(0);
        HttpResponse<String> approve = HTTP.send(HttpRequest.newBuilder(
                        URI.create(b.baseUrl() + "/admin/approvals/" + pending.getString("id") + "/approve")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + admin).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(approve.statusCode()).isEqualTo(200);

        String body = held.get(20, TimeUnit.SECONDS).body();
        assertThat(body).contains("\"id\":7").contains("\"result\"").doesNotContain("approval_");
        assertThat(Files.readString(stateDir.resolve("notes/public/cluster.md"))).isEqualTo("via b");
    }

    private static HttpResponse<String> get(Gateway g, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(g.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + admin).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

}
