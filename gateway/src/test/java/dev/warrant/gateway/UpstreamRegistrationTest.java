package dev.warrant.gateway;

import dev.warrant.delegation.MintSpec;
import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.upstream.AdminClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tool providers register and remove upstreams through the admin API (issue 4): a real gateway on loopback,
 * the npm server-everything over Streamable HTTP registered with a provider token, the MCP Java SDK as the
 * agent, and raw GET streams that must (or must not) hear {@code notifications/tools/list_changed}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpstreamRegistrationTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static NodeProcess everything;
    static TestGateway gw;
    static URI base;
    static String acmeProvider;
    static String globexProvider;
    static String admin;
    static String agent;
    static String bystander;
    static JsonObject acme;
    static BlockingQueue<String> agentStream;
    static BlockingQueue<String> bystanderStream;

    @BeforeAll
    static void start() throws Exception {
        everything = NodeProcess.everythingHttp();
        gw = new TestGateway(null);
        base = gw.gateway.baseUrl();
        acmeProvider = gw.minter.mint(MintSpec.builder("acme-ci").provider("acme").ttl(Duration.ofHours(1)).build());
        globexProvider = gw.minter.mint(MintSpec.builder("globex-ci").provider("globex").ttl(Duration.ofHours(1)).build());
        admin = gw.minter.mint(MintSpec.builder("ops").right("admin", AdminApi.AREA, "*").ttl(Duration.ofHours(1)).build());
        agent = gw.minter.mint(MintSpec.builder("planner").right("tool", "acme", "echo")
                .right("tool", "notes", "read_note").ttl(Duration.ofHours(1)).build());
        bystander = gw.minter.mint(MintSpec.builder("reader").right("tool", "notes", "read_note")
                .ttl(Duration.ofHours(1)).build());
        acme = new JsonObject().put("transport", "http")
                .put("url", "http://127.0.0.1:" + everything.port + "/mcp").put("timeout", "PT20S");
        agentStream = openStream(agent);
        bystanderStream = openStream(bystander);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
        if (everything != null) {
            everything.close();
        }
    }

    @Test
    @Order(1)
    void refusalsCarryStableReasonCodes() throws Exception {
        // A provider token names the upstreams it may manage, and nothing else.
        refused(AdminClient.put(base, globexProvider, "acme", acme), 403, "forbidden");
        refused(AdminClient.put(base, acmeProvider, "notes", acme), 403, "forbidden");
        refused(AdminClient.delete(base, globexProvider, "acme"), 403, "forbidden");
        refused(AdminClient.put(base, agent, "acme", acme), 403, "forbidden");
        refused(AdminClient.put(base, "not-a-token", "acme", acme), 401, "token_malformed");
        // Static config wins, even for an admin.
        refused(AdminClient.put(base, admin, "notes", acme), 409, "upstream_static");
        refused(AdminClient.delete(base, admin, "notes"), 409, "upstream_static");
        refused(AdminClient.put(base, admin, "Bad__Name", acme), 400, "invalid_name");
        // Only Streamable HTTP: stdio would run the caller's command on the gateway host.
        refused(AdminClient.put(base, acmeProvider, "acme", new JsonObject().put("transport", "stdio")
                .put("command", "sh")), 400, "transport_not_allowed");
        refused(AdminClient.put(base, acmeProvider, "acme", acme.copy().put("url", "file:///etc/passwd")), 400, "invalid_url");
        refused(AdminClient.put(base, acmeProvider, "acme", acme.copy().put("timeout", "forever")), 400, "invalid_timeout");
        refused(AdminClient.put(base, acmeProvider, "acme", acme.copy().put("extra", 1)), 400, "unknown_field");
        // Credentials come from the gateway's environment, in the upstream's own namespace only.
        refused(AdminClient.put(base, acmeProvider, "acme", acme.copy().put("headers",
                new JsonObject().put("Authorization", "Bearer s3cret"))), 400, "credential_not_referenced");
        refused(AdminClient.put(base, acmeProvider, "acme", acme.copy().put("headers",
                new JsonObject().put("Authorization", "Bearer ${env:HOME}"))), 400, "credential_env_forbidden");
        refused(AdminClient.put(base, acmeProvider, "acme", acme.copy().put("headers",
                new JsonObject().put("Authorization", "Bearer ${env:WARRANT_UPSTREAM_ACME_TOKEN}"))), 400, "credential_env_unset");
        // Not reachable from the gateway: refused, and not left behind in the registry.
        refused(AdminClient.put(base, acmeProvider, "acme", acme.copy()
                .put("url", "http://127.0.0.1:" + ProcessPorts.freePort() + "/mcp").put("timeout", "PT2S")), 502, "upstream_unreachable");
        assertThat(new JsonObject(AdminClient.list(base, acmeProvider).body()).getJsonArray("upstreams")).isEmpty();
        assertThat(gw.gateway.upstreams().names()).containsExactly("notes");
    }

    @Test
    @Order(2)
    void aProviderRegistersAnUpstreamAndAgentsSeeAndCallItsTools() throws Exception {
        HttpResponse<String> put = AdminClient.put(base, acmeProvider, "acme", acme);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        JsonObject registered = new JsonObject(put.body());
        assertThat(registered.getString("registeredBy")).isEqualTo("acme-ci");
        assertThat(registered.getBoolean("connected")).isTrue();
        assertThat(registered.getLong("tools")).isGreaterThanOrEqualTo(10);

        // The agent's open GET stream hears that its list changed; a caller who sees none of acme's tools does not.
        assertThat(awaitLine(agentStream, "notifications/tools/list_changed")).isTrue();
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), agent)) {
            assertThat(Agents.upstreamToolNames(client)).containsExactlyInAnyOrder("acme__echo", "notes__read_note");
            assertThat(Agents.text(Agents.call(client, "acme__echo", Map.of("message", "registered at runtime"))))
                    .contains("registered at runtime");
        }
        assertThat(awaitLine(bystanderStream, "list_changed", 500)).isFalse();

        // The provider lists what it manages; an admin sees the static upstreams too. Never a header value.
        JsonArray mine = new JsonObject(AdminClient.list(base, acmeProvider).body()).getJsonArray("upstreams");
        assertThat(mine).hasSize(1);
        assertThat(mine.getJsonObject(0).getString("name")).isEqualTo("acme");
        assertThat(new JsonObject(AdminClient.list(base, globexProvider).body()).getJsonArray("upstreams")).isEmpty();
        JsonArray all = new JsonObject(AdminClient.list(base, admin).body()).getJsonArray("upstreams");
        assertThat(all.stream().map(o -> ((JsonObject) o).getString("source") + ":" + ((JsonObject) o).getString("name")))
                .containsExactly("config:notes", "api:acme");

        // Registering the same name again replaces it (200): the old connection's tools go, the new one's come.
        agentStream.clear();
        assertThat(AdminClient.put(base, acmeProvider, "acme", acme).statusCode()).isEqualTo(200);
        assertThat(gw.gateway.upstreams().names()).contains("acme");
        assertThat(awaitLine(agentStream, "notifications/tools/list_changed")).isTrue();
        assertThat(awaitLine(agentStream, "notifications/tools/list_changed")).isTrue();
    }

    @Test
    @Order(3)
    void removalTakesTheToolsAwayAndTellsTheSessionsThatSawThem() throws Exception {
        agentStream.clear();
        bystanderStream.clear();
        HttpResponse<String> deleted = AdminClient.delete(base, acmeProvider, "acme");
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        assertThat(awaitLine(agentStream, "notifications/tools/list_changed")).isTrue();
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), agent)) {
            assertThat(Agents.upstreamToolNames(client)).containsExactly("notes__read_note");
        }
        assertThat(awaitLine(bystanderStream, "list_changed", 500)).isFalse();
        assertThat(gw.gateway.upstreams().names()).containsExactly("notes");
        refused(AdminClient.delete(base, acmeProvider, "acme"), 404, "upstream_unknown");
    }

    static void refused(HttpResponse<String> r, int status, String reason) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(AdminClient.reason(r)).as(r.body()).isEqualTo(reason);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("s3cret");
    }

    /** Opens a session for {@code token} and its standalone GET stream; every line read goes to the queue. */
    static BlockingQueue<String> openStream(String token) throws Exception {
        HttpResponse<String> init = Agents.post(gw.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer " + token);
        assertThat(init.statusCode()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpRequest get = HttpRequest.newBuilder(gw.mcpUrl()).timeout(Duration.ofSeconds(30)).GET()
                .header("Authorization", "Bearer " + token).header("Mcp-Session-Id", session)
                .header("Accept", "text/event-stream").header("MCP-Protocol-Version", "2025-06-18").build();
        HttpResponse<Stream<String>> stream = HTTP.send(get, HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        Thread reader = new Thread(() -> {
            try {
                stream.body().forEach(lines::add);
            } catch (RuntimeException closed) {
                // the gateway closed the stream at shutdown
            }
        }, "sse-" + session);
        reader.setDaemon(true);
        reader.start();
        assertThat(awaitLine(lines, "stream open")).isTrue();
        return lines;
    }

    static boolean awaitLine(BlockingQueue<String> lines, String fragment) throws InterruptedException {
        return awaitLine(lines, fragment, 15_000);
    }

    static boolean awaitLine(BlockingQueue<String> lines, String fragment, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            String line = lines.poll(left, TimeUnit.NANOSECONDS);
            if (line != null && line.contains(fragment)) {
                return true;
            }
        }
        return false;
    }
}
