package dev.warrant.gateway;

import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.approval.ApprovalApi;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.config.RiskRules;
import dev.warrant.gateway.demo.NotesServer;
import dev.warrant.otel.Telemetry;
import dev.warrant.policies.RiskTier;
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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Risk-tier rules (docs/ARCHITECTURE.md §4.3) on a real gateway: write_note is high risk (fresh authorization within 10 minutes
 * and a human approval, 30 s to decide); list_notes is medium with approval and a 2 s timeout; read_note is low.
 * Calls are raw HTTP so the SSE stream of a held call (its waiting notifications) is visible as sent.
 */
class ApprovalTest {

    static Path stateDir;
    static SigningKey rootKey;
    static Minter minter;
    static Gateway gateway;
    static String planner;
    static String approver;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        stateDir = Files.createTempDirectory("warrant-approval");
        rootKey = KeyFiles.loadOrCreate(stateDir);
        minter = new Minter(rootKey, Clock.systemUTC(), Duration.ofHours(24));
        GatewayConfig.Upstream notes = new GatewayConfig.Upstream(JavaUpstreams.stdio("notes", NotesServer.class,
                List.of("--state-dir", stateDir.toString()), Map.of(), Duration.ofSeconds(20)),
                Map.of("write_note", RiskTier.HIGH, "list_notes", RiskTier.MEDIUM, "read_note", RiskTier.LOW));
        RiskRules risk = new RiskRules(Map.of(
                RiskTier.HIGH, new RiskRules.Rule(Optional.of(Duration.ofMinutes(10)), true, Duration.ofSeconds(30)),
                RiskTier.MEDIUM, new RiskRules.Rule(Optional.empty(), true, Duration.ofSeconds(2))));
        GatewayConfig config = GatewayConfig.builder()
                .host("127.0.0.1").port(0).stateDir(stateDir)
                .rootKeys(List.of(rootKey.publicKey()))
                .clusterName("warrant-approval-" + UUID.randomUUID())
                .clusterPort(ProcessPorts.freePort())
                .upstreams(List.of(notes))
                .risk(risk)
                .build();
        gateway = Gateway.start(config, Telemetry.noop(), Clock.systemUTC());
        planner = minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .right("tool", "notes", "write_note").right("tool", "notes", "list_notes")
                .ttl(Duration.ofHours(1)).build());
        approver = minter.mint(MintSpec.builder("alice").right("admin", AdminApi.AREA, ApprovalApi.READ)
                .right("admin", AdminApi.AREA, ApprovalApi.WRITE).ttl(Duration.ofHours(1)).build());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void highRiskNeedsAFreshTokenLowRiskDoesNot() throws Exception {
        Minter past = new Minter(rootKey, Clock.fixed(Instant.now().minus(Duration.ofMinutes(20)), ZoneOffset.UTC),
                Duration.ofHours(24));
        String stale = past.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .right("tool", "notes", "write_note").ttl(Duration.ofHours(1)).build());
        String session = initialize(stale);

        JsonObject denied = last(call(stale, session, 2, "notes__write_note",
                new JsonObject().put("path", "/notes/public/stale.md").put("text", "x"), null));
        assertThat(denied.getJsonObject("error").getInteger("code")).isEqualTo(-32003);
        assertThat(denied.getJsonObject("error").getJsonObject("data").getString("reason")).isEqualTo("authorization_not_fresh");

        JsonObject low = last(call(stale, session, 3, "notes__read_note",
                new JsonObject().put("path", "/notes/public/hello.md"), null));
        assertThat(low.containsKey("result")).as(low.encode()).isTrue();

        // The same call with a fresh token is not refused for staleness: it is held for approval instead.
        String fresh = initialize(planner);
        CompletableFuture<List<JsonObject>> held = callAsync(planner, fresh, 4, "notes__write_note",
                new JsonObject().put("path", "/notes/public/fresh.md").put("text", "fresh"), null);
        JsonObject pending = awaitPending("notes__write_note");
        assertThat(post("/admin/approvals/" + pending.getString("id") + "/approve", approver).statusCode()).isEqualTo(200);
        assertThat(last(held.get(20, TimeUnit.SECONDS)).containsKey("result")).isTrue();
    }

    @Test
    void approvedCallCompletesAfterProgressNotifications() throws Exception {
        String session = initialize(planner);
        Streamed held = callStreamed(planner, session, 10, "notes__write_note",
                new JsonObject().put("path", "/notes/public/approved.md").put("text", "approved text"), "tok-1");
        JsonObject pending = awaitPending("notes__write_note");
        assertThat(pending.getString("caller")).isEqualTo("planner");
        assertThat(pending.getString("argumentDigest")).startsWith("sha256:");
        assertThat(pending.encode()).doesNotContain("approved text");
        // Stay pending until a periodic progress notification has come on top of the first one.
        await().atMost(Duration.ofSeconds(15)).until(() -> held.count("notifications/progress") >= 2);
        assertThat(held.done()).isNotDone();

        HttpResponse<String> approve = post("/admin/approvals/" + pending.getString("id") + "/approve", approver,
                new JsonObject().put("reason", "a note in the public folder is fine"));
        assertThat(approve.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(approve.body()).getString("approver")).isEqualTo("alice");

        List<JsonObject> events = held.done().get(20, TimeUnit.SECONDS);
        List<JsonObject> progress = events.stream().filter(e -> "notifications/progress".equals(e.getString("method"))).toList();
        assertThat(progress).hasSizeGreaterThanOrEqualTo(2);
        assertThat(progress.get(0).getJsonObject("params").getString("progressToken")).isEqualTo("tok-1");
        assertThat(progress.get(1).getJsonObject("params").getInteger("progress"))
                .isGreaterThan(progress.get(0).getJsonObject("params").getInteger("progress"));
        JsonObject result = last(events);
        assertThat(result.getJsonObject("result").encode()).as(result.encode()).doesNotContain("\"isError\":true");
        assertThat(Files.readString(stateDir.resolve("notes/public/approved.md"))).isEqualTo("approved text");
        JsonObject line = auditLineOf(pending.getString("id"));
        assertThat(line.getString("decision")).isEqualTo("allow");
        assertThat(line.getString("approver")).isEqualTo("alice");
        assertThat(line.getString("approverReason")).isEqualTo("a note in the public folder is fine");
        // Resolved approvals leave the list, and cannot be decided twice.
        assertThat(pendingList()).isEmpty();
        assertThat(post("/admin/approvals/" + pending.getString("id") + "/deny", approver).statusCode()).isEqualTo(404);
    }

    @Test
    void deniedCallFailsWithApprovalDeniedAndWaitingMessages() throws Exception {
        String session = initialize(planner);
        CompletableFuture<List<JsonObject>> held = callAsync(planner, session, 20, "notes__write_note",
                new JsonObject().put("path", "/notes/public/denied.md").put("text", "no"), null);
        JsonObject pending = awaitPending("notes__write_note");
        assertThat(post("/admin/approvals/" + pending.getString("id") + "/deny", approver,
                new JsonObject().put("reason", "no writes today")).statusCode()).isEqualTo(200);
        List<JsonObject> events = held.get(20, TimeUnit.SECONDS);
        assertThat(events).anySatisfy(e -> assertThat(e.getString("method")).isEqualTo("notifications/message"));
        JsonObject error = last(events).getJsonObject("error");
        assertThat(error.getJsonObject("data").getString("reason")).isEqualTo("approval_denied");
        assertThat(error.getJsonObject("data").getString("detail")).contains("alice");
        assertThat(stateDir.resolve("notes/public/denied.md")).doesNotExist();
        // The audit line names who refused the call and in which words, as it does for an approval.
        JsonObject line = auditLineOf(pending.getString("id"));
        assertThat(line.getString("decision")).isEqualTo("deny");
        assertThat(line.getString("reason")).isEqualTo("approval_denied");
        assertThat(line.getString("approver")).isEqualTo("alice");
        assertThat(line.getString("approverReason")).isEqualTo("no writes today");
    }

    /** The audit line of the call held for approval {@code id}: written before the agent got its answer. */
    private static JsonObject auditLineOf(String id) throws Exception {
        return Files.readAllLines(stateDir.resolve("audit.log")).stream().map(JsonObject::new)
                .filter(l -> id.equals(l.getString("approvalId"))).findFirst().orElseThrow();
    }

    @Test
    void unansweredApprovalTimesOut() throws Exception {
        String session = initialize(planner);
        long start = System.nanoTime();
        JsonObject error = last(call(planner, session, 30, "notes__list_notes", new JsonObject(), null))
                .getJsonObject("error");
        assertThat(error.getJsonObject("data").getString("reason")).isEqualTo("approval_timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        assertThat(pendingList()).noneSatisfy(p -> assertThat(((JsonObject) p).getString("tool")).isEqualTo("notes__list_notes"));
    }

    @Test
    void cancelledCallWithdrawsItsApproval() throws Exception {
        String session = initialize(planner);
        CompletableFuture<List<JsonObject>> held = callAsync(planner, session, 40, "notes__write_note",
                new JsonObject().put("path", "/notes/public/cancelled.md").put("text", "c"), null);
        JsonObject pending = awaitPending("notes__write_note");
        HttpResponse<String> cancel = send(planner, session, new JsonObject().put("jsonrpc", "2.0")
                .put("method", "notifications/cancelled").put("params", new JsonObject().put("requestId", 40)));
        assertThat(cancel.statusCode()).isEqualTo(202);
        JsonObject error = last(held.get(20, TimeUnit.SECONDS)).getJsonObject("error");
        assertThat(error.getJsonObject("data").getString("reason")).isEqualTo("cancelled");
        assertThat(post("/admin/approvals/" + pending.getString("id") + "/approve", approver).statusCode()).isEqualTo(404);
    }

    @Test
    void aClientThatDisconnectsWithdrawsItsApproval() throws Exception {
        String session = initialize(planner);
        String body = new JsonObject().put("jsonrpc", "2.0").put("id", 41).put("method", "tools/call")
                .put("params", new JsonObject().put("name", "notes__write_note")
                        .put("arguments", new JsonObject().put("path", "/notes/public/gone.md").put("text", "g")))
                .encode();
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        JsonObject pending;
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.port())) {
            String head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + gateway.port() + "\r\n"
                    + "Authorization: Bearer " + planner + "\r\nMcp-Session-Id: " + session + "\r\n"
                    + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                    + "Content-Length: " + bytes.length + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            pending = awaitPending("notes__write_note");
        } // the client is gone: the connection closes with the call still held
        String id = pending.getString("id");
        await("the held call is withdrawn when its client disconnects").atMost(Duration.ofSeconds(10))
                .until(() -> pendingList().stream().noneMatch(o -> id.equals(((JsonObject) o).getString("id"))));
        assertThat(post("/admin/approvals/" + pending.getString("id") + "/approve", approver).statusCode()).isEqualTo(404);
        assertThat(Files.exists(stateDir.resolve("notes/public/gone.md"))).isFalse();
    }

    @Test
    void approvalsApiNeedsItsAdminRight() throws Exception {
        assertThat(get("/admin/approvals", planner).statusCode()).isEqualTo(403);
        String reader = minter.mint(MintSpec.builder("bob").right("admin", AdminApi.AREA, ApprovalApi.READ)
                .ttl(Duration.ofHours(1)).build());
        assertThat(get("/admin/approvals", reader).statusCode()).isEqualTo(200);
        assertThat(post("/admin/approvals/nope/approve", reader).statusCode()).isEqualTo(403);
        assertThat(post("/admin/approvals/nope/approve", approver).statusCode()).isEqualTo(404);
    }

    @Test
    void cliListsAndDeniesAHeldCall() throws Exception {
        Path tokenFile = Files.writeString(stateDir.resolve("approver.token"), approver);
        String session = initialize(planner);
        CompletableFuture<List<JsonObject>> held = callAsync(planner, session, 50, "notes__write_note",
                new JsonObject().put("path", "/notes/public/cli.md").put("text", "cli"), null);
        String id = awaitPending("notes__write_note").getString("id");
        String url = gateway.baseUrl().toString();

        String[] listed = cli("approvals", "list", "--url", url, "--token-file", tokenFile.toString());
        assertThat(listed[0]).isEqualTo("0");
        assertThat(listed[1]).contains(id).contains("notes__write_note").contains("caller=planner");
        String[] denied = cli("approvals", "deny", id, "--url", url, "--token-file", tokenFile.toString());
        assertThat(denied[0]).as(denied[2]).isEqualTo("0");
        assertThat(denied[1]).startsWith("denied " + id);
        assertThat(last(held.get(20, TimeUnit.SECONDS)).getJsonObject("error").getJsonObject("data").getString("reason"))
                .isEqualTo("approval_denied");

        String[] again = cli("approvals", "approve", id, "--url", url, "--token-file", tokenFile.toString());
        assertThat(again[0]).isEqualTo("1");
        assertThat(again[2].lines().toList()).singleElement().asString().contains("approval_unknown");
    }

    private static String[] cli(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = dev.warrant.gateway.cli.WarrantCli.run(args, new java.io.PrintWriter(out, true),
                new java.io.PrintWriter(err, true));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    // --- raw MCP over HTTP ---

    private static String initialize(String token) throws Exception {
        HttpResponse<String> r = Agents.post(gateway.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(200);
        String session = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
        send(token, session, new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/initialized"));
        return session;
    }

    private static HttpResponse<String> send(String token, String session, JsonObject message) throws Exception {
        return Agents.post(gateway.mcpUrl(), message.encode(), "Authorization", "Bearer " + token,
                "Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-06-18");
    }

    private static List<JsonObject> call(String token, String session, int id, String tool, JsonObject args,
                                         String progressToken) throws Exception {
        JsonObject params = new JsonObject().put("name", tool).put("arguments", args);
        if (progressToken != null) {
            params.put("_meta", new JsonObject().put("progressToken", progressToken));
        }
        HttpResponse<String> r = send(token, session, new JsonObject().put("jsonrpc", "2.0").put("id", id)
                .put("method", "tools/call").put("params", params));
        return messages(r);
    }

    private static CompletableFuture<List<JsonObject>> callAsync(String token, String session, int id, String tool,
                                                                 JsonObject args, String progressToken) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call(token, session, id, tool, args, progressToken);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** A call's messages as they arrive ({@link #events}), and all of them once the response ends. */
    private record Streamed(List<JsonObject> events, CompletableFuture<List<JsonObject>> done) {
        long count(String method) {
            return events.stream().filter(e -> method.equals(e.getString("method"))).count();
        }
    }

    private static Streamed callStreamed(String token, String session, int id, String tool, JsonObject args,
                                         String progressToken) {
        JsonObject params = new JsonObject().put("name", tool).put("arguments", args)
                .put("_meta", new JsonObject().put("progressToken", progressToken));
        HttpRequest request = HttpRequest.newBuilder(gateway.mcpUrl()).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token).header("Mcp-Session-Id", session)
                .header("MCP-Protocol-Version", "2025-06-18")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("jsonrpc", "2.0").put("id", id)
                        .put("method", "tools/call").put("params", params).encode()))
                .build();
        List<JsonObject> events = new CopyOnWriteArrayList<>();
        CompletableFuture<List<JsonObject>> done = new CompletableFuture<>();
        // Its own thread: the read blocks until the stream ends, and must hold no shared pool thread meanwhile.
        Thread reader = new Thread(() -> {
            try {
                HttpResponse<java.util.stream.Stream<String>> r = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
                if (!r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
                    events.add(new JsonObject(r.body().collect(Collectors.joining("\n"))));
                } else {
                    r.body().filter(l -> l.startsWith("data:")).forEach(l -> events.add(new JsonObject(l.substring(5).trim())));
                }
                done.complete(List.copyOf(events));
            } catch (Exception | AssertionError e) {
                done.completeExceptionally(e);
            }
        }, "held-call-" + id);
        reader.setDaemon(true);
        reader.start();
        return new Streamed(events, done);
    }

    /** The JSON-RPC messages of a response: one JSON body, or the data lines of an SSE stream. */
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
        HttpResponse<String> r = get("/admin/approvals", approver);
        assertThat(r.statusCode()).isEqualTo(200);
        return new JsonObject(r.body()).getJsonArray("approvals");
    }

    private static JsonObject awaitPending(String tool) {
        return await("a pending approval for " + tool).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> pendingList().stream().map(o -> (JsonObject) o)
                        .filter(o -> tool.equals(o.getString("tool"))).findFirst(), Optional::isPresent)
                .orElseThrow();
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String token, JsonObject body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
