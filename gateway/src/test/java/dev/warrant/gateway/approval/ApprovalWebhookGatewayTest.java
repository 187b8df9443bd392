package dev.warrant.gateway.approval;

import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.Gateway;
import dev.warrant.gateway.JavaUpstreams;
import dev.warrant.gateway.ProcessPorts;
import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.config.RiskRules;
import dev.warrant.gateway.demo.NotesServer;
import dev.warrant.otel.Telemetry;
import dev.warrant.policies.RiskTier;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Held calls on a real gateway as approvers meet them: the admin API shows the new fields (arguments, since
 * {@code approvals.showArguments} is on here), a decision carries the approver's reason to the agent, and three
 * webhooks are told of each held call: a receiver that answers (exactly one delivery, HMAC verified, link to the
 * console), one that never answers and one that is not there; neither of the last two delays the call.
 */
class ApprovalWebhookGatewayTest {

    private static final String SECRET = "whsec-gateway-test-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";

    static Path stateDir;
    static Gateway gateway;
    static Vertx receivers;
    static String planner;
    static String approver;
    static final List<Received> answered = new CopyOnWriteArrayList<>();
    static final List<Received> hanging = new CopyOnWriteArrayList<>();

    record Received(MultiMap headers, byte[] body) {
        JsonObject json() {
            return new JsonObject(new String(body, StandardCharsets.UTF_8));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        stateDir = Files.createTempDirectory("warrant-approval-webhook");
        receivers = Vertx.vertx();
        HttpServer ok = receivers.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            answered.add(new Received(MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), b.getBytes()));
            req.response().setStatusCode(204).end();
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        // Reads the request and never answers.
        HttpServer silent = receivers.createHttpServer().requestHandler(req -> req.body().onSuccess(b ->
                hanging.add(new Received(MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), b.getBytes()))))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        int nobody = ProcessPorts.freePort();
        Path secret = Files.writeString(stateDir.resolve("webhook.key"), SECRET + "\n");

        SigningKey rootKey = KeyFiles.loadOrCreate(stateDir);
        Minter minter = new Minter(rootKey, Clock.systemUTC(), Duration.ofHours(24));
        GatewayConfig.Upstream notes = new GatewayConfig.Upstream(JavaUpstreams.stdio("notes", NotesServer.class,
                List.of("--state-dir", stateDir.toString()), Map.of(), Duration.ofSeconds(20)),
                Map.of("write_note", RiskTier.HIGH, "read_note", RiskTier.LOW));
        RiskRules risk = new RiskRules(Map.of(
                RiskTier.HIGH, new RiskRules.Rule(Optional.empty(), true, Duration.ofSeconds(60))));
        ApprovalSettings approvals = new ApprovalSettings(true, Optional.of(URI.create("https://console.example.org")),
                List.of(new WebhookSettings(URI.create("http://127.0.0.1:" + ok.actualPort() + "/hook"), secret,
                                Duration.ofSeconds(5)),
                        new WebhookSettings(URI.create("http://127.0.0.1:" + silent.actualPort() + "/hook"), secret,
                                Duration.ofSeconds(60)),
                        new WebhookSettings(URI.create("http://127.0.0.1:" + nobody + "/hook"), secret,
                                Duration.ofSeconds(5))));
        gateway = Gateway.start(GatewayConfig.builder()
                .host("127.0.0.1").port(0).stateDir(stateDir)
                .rootKeys(List.of(rootKey.publicKey()))
                .clusterName("warrant-approval-webhook-" + UUID.randomUUID())
                .clusterPort(ProcessPorts.freePort())
                .upstreams(List.of(notes))
                .risk(risk)
                .approvals(approvals)
                .build(), Telemetry.noop(), Clock.systemUTC());
        planner = minter.mint(MintSpec.builder("planner").right("tool", "notes", "write_note")
                .ttl(Duration.ofHours(1)).build());
        approver = minter.mint(MintSpec.builder("alice").right("admin", AdminApi.AREA, ApprovalApi.READ)
                .right("admin", AdminApi.AREA, ApprovalApi.WRITE).ttl(Duration.ofHours(1)).build());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        receivers.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aHeldCallIsAnnouncedOnceSignedAndApprovedWithAReasonDespiteDeadReceivers() throws Exception {
        String session = initialize(planner);
        JsonObject args = new JsonObject().put("path", "/notes/public/webhook.md").put("text", "hello webhook");
        CompletableFuture<List<JsonObject>> held = callAsync(session, 10, args);
        JsonObject pending = awaitPending("/notes/public/webhook.md");
        String id = pending.getString("id");

        // What the admin API (and the console) shows of it.
        assertThat(pending.getString("riskTier")).isEqualTo("high");
        assertThat(pending.getJsonArray("revocationIds")).isNotEmpty();
        assertThat(pending.getJsonObject("arguments")).isEqualTo(args);
        assertThat(pending.getString("argumentDigest")).startsWith("sha256:");
        assertThat(pending.getString("policy")).isNotBlank();

        // Exactly one delivery to the receiver that answers; signed; linking to this call in the console.
        await("the webhook").atMost(Duration.ofSeconds(10)).until(() -> deliveries(answered, id) == 1);
        Received delivery = answered.stream().filter(r -> id.equals(r.json().getString("id"))).findFirst().orElseThrow();
        assertThat(WebhookSignature.verify(SECRET.getBytes(StandardCharsets.UTF_8),
                delivery.headers().get("X-Warrant-Signature"), delivery.headers().get("X-Warrant-Timestamp"),
                delivery.body(), Instant.now(), Duration.ofMinutes(5))).isTrue();
        JsonObject body = delivery.json();
        assertThat(body.getString("link")).isEqualTo("https://console.example.org/console/approvals/" + id);
        assertThat(body.getString("caller")).isEqualTo("planner");
        assertThat(body.getString("tool")).isEqualTo("notes__write_note");
        assertThat(body.getString("riskTier")).isEqualTo("high");
        assertThat(body.getString("policy")).isEqualTo(pending.getString("policy"));
        assertThat(body.getString("argumentDigest")).isEqualTo(pending.getString("argumentDigest"));
        assertThat(body.encode()).doesNotContain("hello webhook");
        // The silent receiver has the request and still owes its answer.
        await("the silent receiver's request").atMost(Duration.ofSeconds(10)).until(() -> deliveries(hanging, id) == 1);

        HttpResponse<String> approve = post("/admin/approvals/" + id + "/approve",
                new JsonObject().put("reason", "checked with the notes owner").encode());
        assertThat(approve.statusCode()).as(approve.body()).isEqualTo(200);
        assertThat(new JsonObject(approve.body()).getString("decisionReason")).isEqualTo("checked with the notes owner");
        assertThat(new JsonObject(approve.body()).getString("approver")).isEqualTo("alice");
        // The call completes at once, though one receiver hangs (60 s timeout) and another is not there.
        JsonObject result = last(held.get(10, TimeUnit.SECONDS));
        assertThat(result.containsKey("result")).as(result.encode()).isTrue();
        assertThat(result.getJsonObject("result").getBoolean("isError", false)).isFalse();
        assertThat(Files.readString(stateDir.resolve("notes/public/webhook.md"))).isEqualTo("hello webhook");
        assertThat(deliveries(hanging, id)).isEqualTo(1);
        // Delivered once: no retry follows a 2xx.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> deliveries(answered, id) == 1);
    }

    @Test
    void aDenialTellsTheAgentTheApproversReason() throws Exception {
        String session = initialize(planner);
        CompletableFuture<List<JsonObject>> held = callAsync(session, 20,
                new JsonObject().put("path", "/notes/public/denied.md").put("text", "no"));
        String id = awaitPending("/notes/public/denied.md").getString("id");
        HttpResponse<String> deny = post("/admin/approvals/" + id + "/deny",
                new JsonObject().put("reason", "change freeze until Monday").encode());
        assertThat(deny.statusCode()).as(deny.body()).isEqualTo(200);
        JsonObject error = last(held.get(10, TimeUnit.SECONDS)).getJsonObject("error");
        assertThat(error.getJsonObject("data").getString("reason")).isEqualTo("approval_denied");
        assertThat(error.getJsonObject("data").getString("detail"))
                .contains("denied by alice").contains("change freeze until Monday");
        assertThat(stateDir.resolve("notes/public/denied.md")).doesNotExist();
    }

    @Test
    void aBadBodyOrReasonIsRefusedAndTheCallStaysHeld() throws Exception {
        String session = initialize(planner);
        CompletableFuture<List<JsonObject>> held = callAsync(session, 30,
                new JsonObject().put("path", "/notes/public/bad-reason.md").put("text", "x"));
        String id = awaitPending("/notes/public/bad-reason.md").getString("id");
        assertRefused(post("/admin/approvals/" + id + "/approve", "{\"reason\":"), "parse_error");
        assertRefused(post("/admin/approvals/" + id + "/approve", "[\"fine\"]"), "invalid_request");
        assertRefused(post("/admin/approvals/" + id + "/approve",
                new JsonObject().put("reason", "z".repeat(501)).encode()), "approval_reason_invalid");
        assertRefused(post("/admin/approvals/" + id + "/approve",
                new JsonObject().put("reason", "ok\r\nX-Injected: yes").encode()), "approval_reason_invalid");
        assertThat(held).isNotDone();
        assertThat(pendingList().stream().map(o -> ((JsonObject) o).getString("id"))).contains(id);

        // The CLI passes its --reason; the agent reads it.
        Path tokenFile = Files.writeString(stateDir.resolve("approver.token"), approver);
        String[] denied = cli("approvals", "deny", id, "--reason", "use the staging notes",
                "--url", gateway.baseUrl().toString(), "--token-file", tokenFile.toString());
        assertThat(denied[0]).as(denied[2]).isEqualTo("0");
        assertThat(last(held.get(10, TimeUnit.SECONDS)).getJsonObject("error").getJsonObject("data").getString("detail"))
                .contains("use the staging notes");
    }

    // --- helpers ---

    private static long deliveries(List<Received> received, String id) {
        return received.stream().filter(r -> id.equals(r.json().getString("id"))).count();
    }

    private static void assertRefused(HttpResponse<String> response, String reason) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(new JsonObject(response.body()).getJsonObject("error").getString("reason")).isEqualTo(reason);
    }

    private static String[] cli(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = dev.warrant.gateway.cli.WarrantCli.run(args, new java.io.PrintWriter(out, true),
                new java.io.PrintWriter(err, true));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    private static String initialize(String token) throws Exception {
        HttpResponse<String> r = mcp(INITIALIZE, token, null);
        assertThat(r.statusCode()).isEqualTo(200);
        String session = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
        mcp(new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/initialized").encode(), token, session);
        return session;
    }

    private static HttpResponse<String> mcp(String body, String token, String session) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.mcpUrl()).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token)
                .header("MCP-Protocol-Version", "2025-06-18")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<List<JsonObject>> callAsync(String session, int id, JsonObject args) {
        String body = new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", "tools/call")
                .put("params", new JsonObject().put("name", "notes__write_note").put("arguments", args)).encode();
        return CompletableFuture.supplyAsync(() -> {
            try {
                return messages(mcp(body, planner, session));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static List<JsonObject> messages(HttpResponse<String> r) {
        List<JsonObject> out = new ArrayList<>();
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            r.body().lines().filter(l -> l.startsWith("data:")).forEach(l -> out.add(new JsonObject(l.substring(5).trim())));
        } else {
            out.add(new JsonObject(r.body()));
        }
        return out;
    }

    private static JsonObject last(List<JsonObject> messages) {
        return messages.get(messages.size() - 1);
    }

    private static JsonArray pendingList() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/admin/approvals"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + approver).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return new JsonObject(r.body()).getJsonArray("approvals");
    }

    /** The pending approval of the call writing {@code path} (its arguments are shown here). */
    private static JsonObject awaitPending(String path) {
        return await("a pending approval writing " + path).atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> pendingList().stream().map(o -> (JsonObject) o)
                        .filter(o -> o.getJsonObject("arguments") != null
                                && path.equals(o.getJsonObject("arguments").getString("path"))).findFirst(),
                        Optional::isPresent)
                .orElseThrow();
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + approver).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
