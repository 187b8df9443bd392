package dev.warrant.gateway.admin;

import dev.warrant.delegation.MintSpec;
import dev.warrant.gateway.JavaUpstreams;
import dev.warrant.gateway.TestGateway;
import dev.warrant.gateway.config.GatewayConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.warrant.gateway.admin.AdminCalls.ok;
import static dev.warrant.gateway.admin.AdminCalls.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /admin/status} on a real gateway with a policy directory and two stdio upstreams: the member, its
 * upstreams with their tools, the policy set in force; after a broken policy edit, the refused change with its
 * file:line; after an upstream's process dies, that upstream's last error and its time.
 */
class GatewayStatusApiTest {

    static Path policies;
    static TestGateway gateway;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        policies = Files.createTempDirectory("warrant-status-policies");
        Files.writeString(policies.resolve("10-guard.datalog"), "deny if request(\"tool\", \"notes\", \"no_such_tool\");\n");
        GatewayConfig.Upstream dying = new GatewayConfig.Upstream(JavaUpstreams.stdio("dying", DyingUpstream.class,
                List.of(), Map.of(), Duration.ofSeconds(20)), Map.of());
        gateway = new TestGateway("everything", null, List.of(dying), null, b -> b.policiesDir(policies));
        admin = gateway.minter.mint(MintSpec.builder("alice").right("admin", AdminApi.AREA, AdminApi.CLUSTER_READ)
                .ttl(Duration.ofHours(1)).build());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void statusNamesTheMemberItsUpstreamsAndThePoliciesInForce() throws Exception {
        JsonObject status = ok(gateway.gateway, admin, "GET", "/admin/status", null);
        assertThat(status.getBoolean("complete")).isTrue();
        assertThat(status.getInteger("approvalsPending")).isZero();
        JsonArray members = status.getJsonArray("members");
        assertThat(members).hasSize(1);
        JsonObject self = members.getJsonObject(0);
        assertThat(self.getBoolean("self")).isTrue();
        assertThat(self.getBoolean("answered")).isTrue();
        assertThat(self.getBoolean("ready")).isTrue();
        assertThat(self.getString("id")).isNotBlank();
        assertThat(self.getString("address")).contains("127.0.0.1");
        JsonObject notes = upstream(self, "notes");
        assertThat(notes.getString("transport")).isEqualTo("stdio");
        assertThat(notes.getString("state")).isEqualTo("connected");
        assertThat(notes.getInteger("tools")).isPositive();
        assertThat(notes.getJsonArray("toolNames").getList()).contains("write_note");
        JsonObject policy = self.getJsonObject("policies");
        assertThat(policy.getString("source")).isEqualTo("directory");
        assertThat(policy.getJsonArray("files").getList()).containsExactly("10-guard.datalog");
        assertThat(policy.getString("sha256")).startsWith("sha256:");
        assertThat(policy.getString("directory")).isEqualTo(policies.toString());
    }

    @Test
    void aRefusedPolicyChangeIsShownWithItsFileAndLine() throws Exception {
        long version = policies().getLong("version");
        Path broken = policies.resolve("20-broken.datalog");
        Files.writeString(broken, "// fine\nallow if this is not datalog;\n");
        try {
            JsonObject refused = await("the refused change is reported").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> policies().getJsonObject("lastRefused"), r -> r != null);
            assertThat(refused.getString("file")).isEqualTo("20-broken.datalog");
            assertThat(refused.getInteger("line")).isEqualTo(2);
            assertThat(refused.getString("location")).isEqualTo("20-broken.datalog:2");
            assertThat(refused.getString("message")).isNotBlank();
            assertThat(Instant.parse(refused.getString("refusedAt"))).isBeforeOrEqualTo(Instant.now());
            assertThat(policies().getLong("version")).as("the previous set stays in force").isEqualTo(version);
        } finally {
            Files.delete(broken);
        }
    }

    @Test
    void anUpstreamWhoseProcessDiedShowsItsLastError() throws Exception {
        assertThat(upstream(self(), "dying").getString("lastError")).isNull();
        String agent = gateway.minter.mint(MintSpec.builder("planner").right("tool", "dying", "*")
                .ttl(Duration.ofHours(1)).build());
        // A 2025 agent with no session is refused; the call that kills the upstream goes through initialize first.
        HttpResponse<String> init = mcp(agent, null, RevocationPreviewTest.INITIALIZE);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        mcp(agent, session, new JsonObject().put("jsonrpc", "2.0").put("id", 2).put("method", "tools/call")
                .put("params", new JsonObject().put("name", "dying__die").put("arguments", new JsonObject())).encode());
        JsonObject dying = await("the upstream's death is reported").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> upstream(self(), "dying"), u -> u.getString("lastError") != null);
        assertThat(dying.getString("lastError")).contains("exited with code 3");
        assertThat(Instant.parse(dying.getString("lastErrorAt"))).isBeforeOrEqualTo(Instant.now());
        assertThat(dying.getString("state")).isIn("restarting", "connected");
    }

    @Test
    void statusNeedsTheClusterReadRight() throws Exception {
        String agent = gateway.minter.mint(MintSpec.builder("planner").right("tool", "notes", "*")
                .ttl(Duration.ofHours(1)).build());
        assertThat(send(gateway.gateway, agent, "GET", "/admin/status", null).statusCode()).isEqualTo(403);
    }

    private static JsonObject self() throws Exception {
        return ok(gateway.gateway, admin, "GET", "/admin/status", null).getJsonArray("members").getJsonObject(0);
    }

    private static JsonObject policies() throws Exception {
        return self().getJsonObject("policies");
    }

    private static JsonObject upstream(JsonObject member, String name) {
        return member.getJsonArray("upstreams").stream().map(o -> (JsonObject) o)
                .filter(u -> name.equals(u.getString("name"))).findFirst().orElseThrow();
    }

    private static HttpResponse<String> mcp(String token, String session, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(gateway.gateway.mcpUrl().toString()))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            r.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18");
        }
        return AdminCalls.HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }
}
