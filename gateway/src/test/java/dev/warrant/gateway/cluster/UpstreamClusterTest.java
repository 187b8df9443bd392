package dev.warrant.gateway.cluster;

import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.NodeProcess;
import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.upstream.AdminClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The upstream registry is shared by the cluster: two gateway members as separate JVMs on loopback; a
 * provider registers server-everything on member A, an agent calls it through member B; a removal on B
 * takes it away on A.
 */
class UpstreamClusterTest {

    static Path dir;
    static ClusterMembers members;
    static NodeProcess everything;
    static String admin;
    static String provider;
    static String agent;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("warrant-upstream-cluster");
        SigningKey key = KeyFiles.loadOrCreate(dir.resolve("keys"));
        Minter minter = new Minter(key, Clock.systemUTC(), Duration.ofHours(24));
        admin = minter.mint(MintSpec.builder("ops").right("admin", AdminApi.AREA, "*").ttl(Duration.ofHours(1)).build());
        provider = minter.mint(MintSpec.builder("acme-ci").provider("acme").ttl(Duration.ofHours(1)).build());
        agent = minter.mint(MintSpec.builder("planner").right("tool", "acme", "*").ttl(Duration.ofHours(1)).build());
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
    void registeredOnOneMemberServesOnTheOtherAndRemovalReachesBoth() throws Exception {
        HttpResponse<String> put = AdminClient.put(members.base(0), provider, "acme", new JsonObject()
                .put("url", "http://127.0.0.1:" + everything.port + "/mcp").put("timeout", "PT20S"));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);

        // B connects on its own as soon as the map tells it: the agent's call goes B -> server-everything.
        awaitTools(members.base(1), tools -> tools.contains("acme__echo"));
        try (McpSyncClient client = connect(members.base(1), agent)) {
            McpSchema.CallToolResult echo = client.callTool(new McpSchema.CallToolRequest("acme__echo",
                    Map.of("message", "via member B")));
            assertThat(((McpSchema.TextContent) echo.content().get(0)).text()).contains("via member B");
        }
        JsonObject listedOnB = new JsonObject(AdminClient.list(members.base(1), provider).body())
                .getJsonArray("upstreams").getJsonObject(0);
        assertThat(listedOnB.getString("name")).isEqualTo("acme");
        assertThat(listedOnB.getBoolean("connected")).isTrue();

        // Removed through B: gone on A as well.
        assertThat(AdminClient.delete(members.base(1), provider, "acme").statusCode()).isEqualTo(200);
        awaitTools(members.base(0), tools -> !tools.contains("acme__echo"));
        awaitTools(members.base(1), tools -> !tools.contains("acme__echo"));
    }

    static McpSyncClient connect(URI base, String token) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://" + base.getRawAuthority()).endpoint("/mcp")
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
                .build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build();
        client.initialize();
        return client;
    }

    static void awaitTools(URI base, java.util.function.Predicate<List<String>> condition) {
        await("the tools on " + base).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    try (McpSyncClient client = connect(base, agent)) {
                        return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
                    }
                }, condition::test);
    }
}
