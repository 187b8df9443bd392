package dev.warrant.gateway.tasks;

import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.MintSpec;
import dev.warrant.gateway.PythonProcess;
import dev.warrant.gateway.TestGateway;
import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.modern.ModernCalls;
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
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The tasks extension through the gateway, on the wire: a 2026 agent (raw HTTP, as a conforming client writes it)
 * and the Python SDK's Streamable HTTP server with a tasks extension written on the SDK's extension interface
 * (python-tools/fixture_server.py). A task is polled, asked for input, answered and completed under Warrant's
 * handle; the handle works only for the token chain that created it; tasks/* are decided with the creating call's
 * facts; revoking the token cancels its task upstream.
 */
class TasksTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonObject TASKS = new JsonObject().put("extensions",
            new JsonObject().put("io.modelcontextprotocol/tasks", new JsonObject()));

    private static PythonProcess fixture;
    private static TestGateway gw;
    private static Path policies;

    @BeforeAll
    static void start() throws Exception {
        fixture = PythonProcess.fixtureServer();
        policies = Files.createTempDirectory("warrant-task-policies");
        // tasks/update is decided with the arguments of the call that made the task.
        Files.writeString(policies.resolve("10-frozen.datalog"),
                "deny if method(\"tasks/update\"), arg(\"text\", \"frozen\");\n");
        gw = new TestGateway("fixture", fixture.mcpUrl(), List.of(), null, b -> b.policiesDir(policies));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private static String token(String agent) {
        return gw.minter.mint(MintSpec.builder(agent).right("tool", "fixture", "*").ttl(Duration.ofMinutes(10)).build());
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> call(String token, String tool, String text, JsonObject capabilities)
            throws Exception {
        return send(ModernCalls.toolCall(gw.mcpUrl(), token, 1, tool, new JsonObject().put("text", text),
                new JsonObject(), capabilities));
    }

    private static HttpResponse<String> task(String token, String method, String handle, JsonObject extra,
                                             JsonObject capabilities) throws Exception {
        JsonObject params = extra.copy().put("taskId", handle);
        return send(ModernCalls.request(gw.mcpUrl(), token, 2, method, handle, params, capabilities));
    }

    private static JsonObject result(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject body = new JsonObject(r.body());
        assertThat(body.containsKey("error")).as(r.body()).isFalse();
        return body.getJsonObject("result");
    }

    private static JsonObject error(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return new JsonObject(r.body()).getJsonObject("error");
    }

    private static String create(String token, String tool, String text) throws Exception {
        JsonObject created = result(call(token, tool, text, TASKS));
        assertThat(created.getString("resultType")).isEqualTo("task");
        assertThat(created.getString("status")).isEqualTo("working");
        return created.getString("taskId");
    }

    /** Polls tasks/get (bounded) until the task's status matches. */
    private static JsonObject pollUntil(String token, String handle, Predicate<String> status) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> result(task(token, "tasks/get", handle, new JsonObject(), TASKS)),
                        r -> status.test(r.getString("status")));
    }

    private static List<JsonObject> audit() throws Exception {
        return Files.readAllLines(gw.stateDir.resolve("audit.log")).stream().map(JsonObject::new).toList();
    }

    @Test
    void aTaskIsPolledAskedAnsweredAndCompletedUnderWarrantsHandle() throws Exception {
        String alice = token("alice");
        JsonObject created = result(call(alice, "fixture__job_asking", "report", TASKS));
        String handle = created.getString("taskId");
        assertThat(handle).matches("wtask_[A-Za-z0-9_-]{22}");
        assertThat(created.getLong("ttlMs")).isPositive().isLessThanOrEqualTo(60_000L);

        JsonObject asking = pollUntil(alice, handle, s -> !"working".equals(s));
        assertThat(asking.getString("status")).isEqualTo("input_required");
        assertThat(asking.getString("resultType")).isEqualTo("complete");
        assertThat(asking.getString("taskId")).isEqualTo(handle);
        assertThat(asking.getJsonObject("inputRequests").getJsonObject("name").getString("method"))
                .isEqualTo("elicitation/create");

        JsonObject answer = new JsonObject().put("name", new JsonObject().put("action", "accept")
                .put("content", new JsonObject().put("name", "Ada")));
        JsonObject ack = result(task(alice, "tasks/update", handle, new JsonObject().put("inputResponses", answer), TASKS));
        assertThat(ack.getString("resultType")).isEqualTo("complete");

        JsonObject done = pollUntil(alice, handle, s -> !"working".equals(s));
        assertThat(done.getString("status")).isEqualTo("completed");
        assertThat(done.getString("taskId")).isEqualTo(handle);
        assertThat(done.getJsonObject("result").getJsonArray("content").getJsonObject(0).getString("text"))
                .isEqualTo("job done: report, Ada");

        // The call and every request about its task share one correlation id; the tasks/* lines name the handle.
        List<JsonObject> lines = audit().stream().filter(j -> "alice".equals(j.getString("caller"))).toList();
        JsonObject callLine = lines.stream().filter(j -> "tools/call".equals(j.getString("method"))).findFirst().orElseThrow();
        String correlation = callLine.getString("correlationId");
        assertThat(correlation).isNotNull();
        List<JsonObject> taskLines = lines.stream().filter(j -> j.getString("method").startsWith("tasks/")).toList();
        assertThat(taskLines).hasSizeGreaterThanOrEqualTo(3).allSatisfy(j -> {
            assertThat(j.getString("correlationId")).isEqualTo(correlation);
            assertThat(j.getString("target")).isEqualTo(handle);
            assertThat(j.getString("decision")).isEqualTo("allow");
        });
    }

    @Test
    void aHandleOpensTheTaskOnlyForTheChainThatCreatedIt() throws Exception {
        String alice = token("alice-2");
        String handle = create(alice, "fixture__job", "mine");
        String delegatee = Delegator.attenuate(alice, HopSpec.delegateTo("helper").tools("fixture", "job").build(),
                Clock.systemUTC());

        for (String stranger : List.of(token("mallory"), delegatee)) {
            JsonObject e = error(task(stranger, "tasks/get", handle, new JsonObject(), TASKS), 400);
            assertThat(e.getInteger("code")).isEqualTo(-32602);
            assertThat(e.getJsonObject("data").getString("reason")).isEqualTo("task_unknown");
            assertThat(error(task(stranger, "tasks/cancel", handle, new JsonObject(), TASKS), 400)
                    .getJsonObject("data").getString("reason")).isEqualTo("task_unknown");
        }
        // A handle never issued, or not even shaped like one, is answered the same way.
        for (String forged : List.of("wtask_AAAAAAAAAAAAAAAAAAAAAA", "not-a-handle", handle.substring(0, handle.length() - 1))) {
            assertThat(error(task(alice, "tasks/get", forged, new JsonObject(), TASKS), 400)
                    .getJsonObject("data").getString("reason")).isEqualTo("task_unknown");
        }
        // The strangers' attempts changed nothing: the creator's poll completes it.
        JsonObject done = pollUntil(alice, handle, s -> !"working".equals(s));
        assertThat(done.getString("status")).isEqualTo("completed");
        assertThat(audit()).filteredOn(j -> "task_unknown".equals(j.getString("reason")))
                .hasSizeGreaterThanOrEqualTo(7)
                .allSatisfy(j -> assertThat(j.getString("decision")).isEqualTo("deny"));
    }

    @Test
    void tasksUpdateIsDecidedWithTheArgumentsOfTheCallThatMadeTheTask() throws Exception {
        String alice = token("alice-3");
        String handle = create(alice, "fixture__job_asking", "frozen");
        pollUntil(alice, handle, "input_required"::equals);
        JsonObject answer = new JsonObject().put("name", new JsonObject().put("action", "accept")
                .put("content", new JsonObject().put("name", "Ada")));
        JsonObject refused = error(task(alice, "tasks/update", handle, new JsonObject().put("inputResponses", answer),
                TASKS), 200);
        assertThat(refused.getInteger("code")).isEqualTo(-32003);
        assertThat(refused.getJsonObject("data").getString("reason")).isEqualTo("not_permitted");
        // Polling is another method: still allowed, and the task still waits for input.
        assertThat(result(task(alice, "tasks/get", handle, new JsonObject(), TASKS)).getString("status"))
                .isEqualTo("input_required");
    }

    @Test
    void withoutTheExtensionNoTaskIsMadeAndTaskMethodsNameTheMissingCapability() throws Exception {
        String alice = token("alice-4");
        // The gateway does not declare the extension for this agent, so the upstream refuses (-32021) itself.
        JsonObject refused = new JsonObject(call(alice, "fixture__job", "x", new JsonObject()).body()).getJsonObject("error");
        assertThat(refused.getInteger("code")).isEqualTo(-32021);
        assertThat(refused.getJsonObject("data").getJsonObject("requiredCapabilities").getJsonObject("extensions")
                .containsKey("io.modelcontextprotocol/tasks")).isTrue();

        String handle = create(alice, "fixture__job", "y");
        JsonObject missing = error(task(alice, "tasks/get", handle, new JsonObject(), new JsonObject()), 400);
        assertThat(missing.getInteger("code")).isEqualTo(-32021);
        assertThat(missing.getJsonObject("data").getJsonObject("requiredCapabilities").getJsonObject("extensions")
                .containsKey("io.modelcontextprotocol/tasks")).isTrue();

        // Task notifications on subscriptions/listen need the extension too.
        JsonObject listen = error(send(ModernCalls.request(gw.mcpUrl(), alice, 5, "subscriptions/listen", null,
                new JsonObject().put("notifications", new JsonObject().put("taskIds", new io.vertx.core.json.JsonArray()
                        .add(handle))), new JsonObject())), 400);
        assertThat(listen.getInteger("code")).isEqualTo(-32021);

        // A task handle in the Mcp-Name header must agree with the body, like any name.
        HttpRequest mismatched = HttpRequest.newBuilder(gw.mcpUrl()).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + alice).header("MCP-Protocol-Version", ModernCalls.VERSION)
                .header("Mcp-Method", "tasks/get").header("Mcp-Name", "wtask_other")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("jsonrpc", "2.0").put("id", 3)
                        .put("method", "tasks/get").put("params", new JsonObject().put("taskId", handle)
                                .put("_meta", ModernCalls.envelope(TASKS))).encode()))
                .build();
        assertThat(error(send(mismatched), 400).getInteger("code")).isEqualTo(-32020);
    }

    @Test
    void aTaskForACallerThatCannotPollItIsCancelledUpstreamAndNeverPassedOn() throws Exception {
        String alice = token("alice-6");
        String before = cancelledUpstream(alice);
        JsonObject refused = new JsonObject(call(alice, "fixture__job_rude", "x", new JsonObject()).body())
                .getJsonObject("error");
        assertThat(refused.getJsonObject("data").getString("reason")).isEqualTo("upstream_protocol");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> cancelledUpstream(alice), now -> !now.equals(before));
    }

    @Test
    void discoverOffersTheExtensionOfAnUpstreamTheCallerMaySee() throws Exception {
        JsonObject discovered = result(send(ModernCalls.request(gw.mcpUrl(), token("alice-5"), 4, "server/discover",
                null, new JsonObject(), new JsonObject())));
        assertThat(discovered.getJsonObject("capabilities").getJsonObject("extensions")
                .containsKey("io.modelcontextprotocol/tasks")).isTrue();
        String notesOnly = gw.minter.mint(MintSpec.builder("notes-only").right("tool", "notes", "*")
                .ttl(Duration.ofMinutes(10)).build());
        JsonObject narrow = result(send(ModernCalls.request(gw.mcpUrl(), notesOnly, 5, "server/discover", null,
                new JsonObject(), new JsonObject())));
        assertThat(narrow.getJsonObject("capabilities").containsKey("extensions")).isFalse();
    }

    @Test
    void revokingTheTokenCancelsItsTaskUpstreamAndEndsItsHandle() throws Exception {
        String bob = token("bob");
        String handle = create(bob, "fixture__job_asking", "long");
        String watcher = token("watcher");
        String before = cancelledUpstream(watcher);

        String admin = gw.minter.mint(MintSpec.builder("ops").right("admin", AdminApi.AREA, "*")
                .ttl(Duration.ofMinutes(10)).build());
        String root = new Verifier(KeyRing.of(gw.rootKey.publicKey()), VerifierSettings.defaults(), Clock.systemUTC())
                .verify(bob).revocationIds().get(0);
        HttpResponse<String> revoke = send(HttpRequest.newBuilder(URI.create(gw.gateway.baseUrl() + "/admin/revocations"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("revocationId", root)
                        .put("reason", "test").encode())).build());
        assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(200);

        // The upstream hears tasks/cancel for the task (the fixture lists what its tasks/cancel reached).
        String after = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> cancelledUpstream(watcher), now -> !now.equals(before));
        assertThat(after.split(",")).hasSize(before.isEmpty() ? 1 : before.split(",").length + 1);
        assertThat(error(task(bob, "tasks/get", handle, new JsonObject(), TASKS), 401)
                .getJsonObject("data").getString("reason")).isEqualTo("revoked");
    }

    private static String cancelledUpstream(String token) throws Exception {
        JsonObject r = result(send(ModernCalls.toolCall(gw.mcpUrl(), token, 9, "fixture__cancelled_tasks",
                new JsonObject(), new JsonObject(), new JsonObject())));
        return r.getJsonArray("content").getJsonObject(0).getString("text");
    }
}
