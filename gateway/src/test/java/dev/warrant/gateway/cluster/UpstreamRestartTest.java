package dev.warrant.gateway.cluster;

import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.NodeProcess;
import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.upstream.AdminClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Registrations survive a full cluster restart and removals stay removed: two members as separate JVMs on
 * loopback, A and B registered, B removed, one member killed -9 and the other stopped normally, both started
 * again on the same state dirs.
 */
class UpstreamRestartTest {

    static Path dir;
    static ClusterMembers members;
    static NodeProcess everything;
    static String admin;
    static String agent;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("warrant-upstream-restart");
        SigningKey key = KeyFiles.loadOrCreate(dir.resolve("keys"));
        Minter minter = new Minter(key, Clock.systemUTC(), Duration.ofHours(24));
        admin = minter.mint(MintSpec.builder("ops").right("admin", AdminApi.AREA, "*").ttl(Duration.ofHours(1)).build());
        agent = minter.mint(MintSpec.builder("planner").right("tool", "alpha", "*").right("tool", "beta", "*")
                .ttl(Duration.ofHours(1)).build());
        UpstreamClusterTest.agent = agent; // its helpers list tools with this token
        everything = NodeProcess.everythingHttp();
        members = new ClusterMembers(dir, dir.resolve("keys/root.pub"), 2);
        members.start(admin, 2, 0, 1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (members != null) {
            members.close();
        }
        if (everything != null) {
            everything.close();
        }
    }

    @Test
    void afterAFullRestartWhatWasRegisteredServesAndWhatWasRemovedDoesNot() throws Exception {
        JsonObject body = new JsonObject().put("url", "http://127.0.0.1:" + everything.port + "/mcp").put("timeout", "PT20S");
        HttpResponse<String> a = AdminClient.put(members.base(0), admin, "alpha", body);
        assertThat(a.statusCode()).as(a.body()).isEqualTo(201);
        HttpResponse<String> b = AdminClient.put(members.base(1), admin, "beta", body);
        assertThat(b.statusCode()).as(b.body()).isEqualTo(201);
        UpstreamClusterTest.awaitTools(members.base(0), t -> t.contains("alpha__echo") && t.contains("beta__echo"));
        assertThat(AdminClient.delete(members.base(0), admin, "beta").statusCode()).isEqualTo(200);
        UpstreamClusterTest.awaitTools(members.base(1), t -> t.contains("alpha__echo") && !t.contains("beta__echo"));

        members.kill(1);
        members.stop(0);
        members.start(admin, 2, 0, 1);

        for (int m = 0; m < 2; m++) {
            URI base = members.base(m);
            UpstreamClusterTest.awaitTools(base, t -> t.contains("alpha__echo"));
            try (McpSyncClient client = UpstreamClusterTest.connect(base, agent)) {
                assertThat(client.listTools().tools().stream().map(McpSchema.Tool::name))
                        .as("member %d after the restart", m).contains("alpha__echo").noneMatch(n -> n.startsWith("beta__"));
                McpSchema.CallToolResult echo = client.callTool(new McpSchema.CallToolRequest("alpha__echo",
                        Map.of("message", "after restart " + m)));
                assertThat(((McpSchema.TextContent) echo.content().get(0)).text()).contains("after restart " + m);
            }
            JsonObject listed = new JsonObject(AdminClient.list(base, admin).body());
            assertThat(listed.getJsonArray("upstreams").stream().map(o -> ((JsonObject) o).getString("name")))
                    .as("member %d lists", m).containsExactly("alpha");
        }
        // Removed stays removed: a delete of it is unknown, on either member.
        assertThat(AdminClient.delete(members.base(1), admin, "beta").statusCode()).isEqualTo(404);
    }
}
