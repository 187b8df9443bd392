package dev.warrant.gateway.console;

import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.Gateway;
import dev.warrant.gateway.JavaUpstreams;
import dev.warrant.gateway.ProcessPorts;
import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.approval.ApprovalApi;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.config.RiskRules;
import dev.warrant.gateway.demo.NotesServer;
import dev.warrant.otel.Telemetry;
import dev.warrant.policies.RiskTier;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.awaitility.Awaitility.await;

/**
 * A real gateway for console tests: the notes upstream with {@code write_note} high risk (human approval, a minute
 * to decide), and the tokens the tests play with. Agents call over raw HTTP (a 2025 session) so a held call's
 * final answer is seen exactly as sent.
 */
final class ConsoleFixture implements AutoCloseable {

    static final String[] ALL_RIGHTS = {ApprovalApi.READ, ApprovalApi.WRITE, AdminApi.REVOKE, AdminApi.CLUSTER_READ,
            "audit.read", "tokens.inspect", AdminApi.POLICIES_READ};

    final Path stateDir;
    final SigningKey rootKey;
    final Minter minter;
    final Gateway gateway;
    /** Every console right. */
    final String admin;
    /** Sees held calls, may not decide them. */
    final String viewer;
    /** A planner's token delegated to a researcher for task T-7: the agent whose calls are held. */
    final String agent;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger ids = new AtomicInteger(100);

    private ConsoleFixture(Path stateDir, SigningKey rootKey, Gateway gateway) {
        this.stateDir = stateDir;
        this.rootKey = rootKey;
        this.minter = new Minter(rootKey, Clock.systemUTC(), Duration.ofHours(24));
        this.gateway = gateway;
        MintSpec.Builder adminSpec = MintSpec.builder("alice").ttl(Duration.ofHours(1));
        for (String right : ALL_RIGHTS) {
            adminSpec.right("admin", AdminApi.AREA, right);
        }
        this.admin = minter.mint(adminSpec.build());
        this.viewer = approvalsReader("victor");
        String planner = minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .right("tool", "notes", "write_note").task("T-7").ttl(Duration.ofHours(1)).build());
        this.agent = Delegator.attenuate(planner, HopSpec.delegateTo("researcher").tools("notes", "read_note", "write_note")
                .build(), Clock.systemUTC());
    }

    static ConsoleFixture start(String name) throws Exception {
        return start(name, b -> { });
    }

    /** As {@link #start(String)}, with {@code settings} applied to the config last (a policy directory, identity). */
    static ConsoleFixture start(String name, Consumer<GatewayConfig.Builder> settings) throws Exception {
        Path stateDir = Files.createTempDirectory("warrant-console-" + name);
        SigningKey rootKey = KeyFiles.loadOrCreate(stateDir);
        GatewayConfig.Builder builder = config(stateDir, rootKey, true).clusterName("warrant-console-" + UUID.randomUUID())
                .clusterPort(ProcessPorts.freePort());
        settings.accept(builder);
        GatewayConfig config = builder.build();
        return new ConsoleFixture(stateDir, rootKey, Gateway.start(config, Telemetry.noop(), Clock.systemUTC()));
    }

    /** Two members of one cluster: the first serves the notes upstream, the second none. */
    static List<ConsoleFixture> cluster(String name) throws Exception {
        Path stateDir = Files.createTempDirectory("warrant-console-" + name);
        SigningKey rootKey = KeyFiles.loadOrCreate(stateDir);
        int portA = ProcessPorts.freePort();
        int portB = ProcessPorts.freePort();
        List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
        String cluster = "warrant-console-" + UUID.randomUUID();
        CompletableFuture<ConsoleFixture> a = CompletableFuture.supplyAsync(() -> member(stateDir.resolve("a"), rootKey,
                config(stateDir.resolve("a"), rootKey, true).clusterName(cluster).clusterMembers(members).clusterPort(portA)));
        CompletableFuture<ConsoleFixture> b = CompletableFuture.supplyAsync(() -> member(stateDir.resolve("b"), rootKey,
                config(stateDir.resolve("b"), rootKey, false).clusterName(cluster).clusterMembers(members).clusterPort(portB)));
        return List.of(a.get(90, java.util.concurrent.TimeUnit.SECONDS), b.get(90, java.util.concurrent.TimeUnit.SECONDS));
    }

    private static ConsoleFixture member(Path stateDir, SigningKey rootKey, GatewayConfig.Builder config) {
        try {
            Files.createDirectories(stateDir);
            return new ConsoleFixture(stateDir, rootKey, Gateway.start(config.stateDir(stateDir).build(),
                    Telemetry.noop(), Clock.systemUTC()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static GatewayConfig.Builder config(Path stateDir, SigningKey rootKey, boolean withNotes) {
        GatewayConfig.Upstream notes = new GatewayConfig.Upstream(JavaUpstreams.stdio("notes", NotesServer.class,
                List.of("--state-dir", stateDir.toString()), Map.of(), Duration.ofSeconds(20)),
                Map.of("write_note", RiskTier.HIGH));
        RiskRules risk = new RiskRules(Map.of(
                RiskTier.HIGH, new RiskRules.Rule(Optional.empty(), true, Duration.ofSeconds(60))));
        return GatewayConfig.builder()
                .host("127.0.0.1").port(0).stateDir(stateDir)
                .rootKeys(List.of(rootKey.publicKey()))
                .upstreams(withNotes ? List.of(notes) : List.of())
                .risk(risk);
    }

    /** A token for {@code operator} that may see held calls and nothing else (tests revoke their own). */
    String approvalsReader(String operator) {
        return minter.mint(MintSpec.builder(operator).right("admin", AdminApi.AREA, ApprovalApi.READ)
                .ttl(Duration.ofHours(1)).build());
    }

    URI url(String path) {
        return URI.create(gateway.baseUrl() + path);
    }

    /** An agent's write_note, held for approval: completes with the final JSON-RPC message once it is decided. */
    CompletableFuture<JsonObject> heldWrite(String token, String path, String text) throws Exception {
        String session = initialize(token);
        int id = ids.incrementAndGet();
        JsonObject call = new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", "tools/call")
                .put("params", new JsonObject().put("name", "notes__write_note")
                        .put("arguments", new JsonObject().put("path", path).put("text", text)));
        return http.sendAsync(mcp(token, session, call.encode()).timeout(Duration.ofSeconds(90)).build(),
                HttpResponse.BodyHandlers.ofString()).thenApply(ConsoleFixture::lastMessage);
    }

    /** A tools/call in an open 2025 session, answered in full (no approval needed for read_note). */
    HttpResponse<String> call(String token, String session, String tool, JsonObject arguments) throws Exception {
        JsonObject call = new JsonObject().put("jsonrpc", "2.0").put("id", ids.incrementAndGet()).put("method", "tools/call")
                .put("params", new JsonObject().put("name", tool).put("arguments", arguments));
        return http.send(mcp(token, session, call.encode()).build(), HttpResponse.BodyHandlers.ofString());
    }

    String initialize(String token) throws Exception {
        HttpResponse<String> r = http.send(mcp(token, null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"console-test\",\"version\":\"1\"}}}").build(), HttpResponse.BodyHandlers.ofString());
        String session = r.headers().firstValue("Mcp-Session-Id").orElseThrow(() -> new IllegalStateException(r.body()));
        http.send(mcp(token, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").build(),
                HttpResponse.BodyHandlers.ofString());
        return session;
    }

    private HttpRequest.Builder mcp(String token, String session, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.mcpUrl()).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token).header("MCP-Protocol-Version", "2025-06-18")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return b;
    }

    /** The pending approval for {@code tool}, once the cluster lists it (admin API). */
    JsonObject awaitPending(String tool) {
        return await("a pending approval for " + tool).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> pending().stream().map(o -> (JsonObject) o)
                        .filter(o -> tool.equals(o.getString("tool"))).findFirst(), Optional::isPresent)
                .orElseThrow();
    }

    JsonArray pending() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(url("/admin/approvals")).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + admin).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new JsonObject(r.body()).getJsonArray("approvals");
    }

    /** An admin API post with a bearer token and no body. */
    HttpResponse<String> gatewayPost(String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST /admin/revocations} with {@code body}, as the admin; the API answers once every member has it. */
    HttpResponse<String> revoke(JsonObject body) throws Exception {
        return http.send(HttpRequest.newBuilder(url("/admin/revocations")).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    List<JsonObject> auditLines() throws Exception {
        return Files.readAllLines(stateDir.resolve("audit.log")).stream().map(JsonObject::new).toList();
    }

    private static JsonObject lastMessage(HttpResponse<String> r) {
        String body = r.body();
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            List<String> data = body.lines().filter(l -> l.startsWith("data:")).toList();
            return new JsonObject(data.get(data.size() - 1).substring(5).trim());
        }
        return new JsonObject(body);
    }

    @Override
    public void close() {
        gateway.close();
    }
}
