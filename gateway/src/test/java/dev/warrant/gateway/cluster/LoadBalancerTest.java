package dev.warrant.gateway.cluster;

import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import dev.warrant.gateway.NodeProcess;
import dev.warrant.gateway.ProcessPorts;
import dev.warrant.gateway.PythonProcess;
import dev.warrant.gateway.admin.AdminApi;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three {@code warrant serve} processes behind a real HAProxy, round-robin, checked on {@code /readyz}: a 2025
 * client (TypeScript SDK, one session) and a 2026-07-28 client (Python SDK) make 1000 calls each through it with
 * no error, every call audited once, on the member that served it; {@code kill -9} of a member mid-run fails at
 * most the calls in flight on it while both clients go on; a revocation answered 200 through the balancer is in
 * force for the next request, whichever member serves it. The upstream is the Python SDK's server (2026-07-28),
 * shared by the members.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class LoadBalancerTest {

    private static final int CALLS = 1000;

    static Path dir;
    static Minter minter;
    static Verifier verifier;
    static String admin;
    static PythonProcess fixture;
    static ClusterMembers members;
    static HaProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("warrant-balancer-test");
        SigningKey key = KeyFiles.loadOrCreate(dir.resolve("keys"));
        minter = new Minter(key, Clock.systemUTC(), Duration.ofHours(24));
        verifier = new Verifier(KeyRing.of(key.publicKey()), VerifierSettings.defaults(), Clock.systemUTC());
        admin = minter.mint(MintSpec.builder("security-team").right("admin", AdminApi.AREA, "*")
                .ttl(Duration.ofHours(1)).build());
        fixture = PythonProcess.fixtureServer();
        // Chosen now, bound by HAProxy once the members run: outside the range outgoing connections draw from.
        int proxyPort = ProcessPorts.freePort();
        members = new ClusterMembers(dir, dir.resolve("keys/root.pub"), 3);
        // Behind a balancer, agents name the balancer in Host: each member must allow it (and itself, for checks).
        members.withConfig(String.join("\n",
                "allowedHosts: [\"127.0.0.1:" + proxyPort + "\", \"127.0.0.1:" + members.httpPort(0) + "\", \"127.0.0.1:"
                        + members.httpPort(1) + "\", \"127.0.0.1:" + members.httpPort(2) + "\"]",
                // A load test, not a rate-limit test: the default 50 calls/s per caller would refuse these clients.
                "limits: { perCaller: { ratePerSecond: 100000, burst: 100000 } }",
                "risk: { high: { approval: true, approvalTimeout: PT60S } }",
                "upstreams:",
                "  - name: fixture",
                "    http: { url: \"" + fixture.mcpUrl() + "\" }",
                "    risk: { regional: high }"));
        members.start(admin, 3, 0, 1, 2);
        proxy = HaProxy.roundRobin(dir, proxyPort, members.httpPort(0), members.httpPort(1), members.httpPort(2));
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (members != null) {
            members.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private static String token(String agent) {
        return minter.mint(MintSpec.builder(agent).right("tool", "fixture", "echo").ttl(Duration.ofHours(1)).build());
    }

    /** The TypeScript caller; {@code onProgress} hears every hundredth call. @return its summary line */
    private static CompletableFuture<JsonObject> typeScript(String token, IntConsumer onProgress) throws Exception {
        Path script = NodeProcess.nodeTools().resolve("ts-client/caller.mjs");
        Process p = new ProcessBuilder("node", script.toString(), proxy.mcpUrl().toString(), token, "fixture__echo",
                Integer.toString(CALLS)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        return CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                JsonObject last = null;
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    JsonObject o = new JsonObject(line);
                    if (o.containsKey("done")) {
                        onProgress.accept(o.getInteger("done"));
                    } else {
                        last = o;
                    }
                }
                if (!p.waitFor(30, TimeUnit.SECONDS) || last == null || last.containsKey("error")) {
                    throw new AssertionError("the TypeScript caller ended without a summary: " + last);
                }
                return last;
            } catch (Exception e) {
                p.destroyForcibly();
                throw new IllegalStateException(e);
            }
        });
    }

    private static CompletableFuture<JsonObject> python(String token) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                String step = "repeat:fixture__echo:" + CALLS;
                PythonProcess.AgentRun run = PythonProcess.agent(List.of(proxy.mcpUrl().toString(), "--bearer", token,
                        "--mode", "2026-07-28", step), Duration.ofMinutes(4));
                assertThat(run.exitCode()).as(run.output()).isZero();
                assertThat(run.step("connect").getString("version")).isEqualTo("2026-07-28");
                return run.step(step);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The tools/call audit lines of {@code caller} on each member. */
    private static List<List<JsonObject>> audited(String caller) throws Exception {
        List<List<JsonObject>> perMember = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            Path log = members.home(i).resolve("state/audit.log");
            perMember.add(!Files.exists(log) ? List.of() : Files.readAllLines(log).stream().map(JsonObject::new)
                    .filter(j -> caller.equals(j.getString("caller")) && "tools/call".equals(j.getString("method")))
                    .toList());
        }
        return perMember;
    }

    @Test
    @Order(1)
    void bothErasMakeAThousandCallsEachThroughTheBalancerEachAuditedOnceWhereItWasServed() throws Exception {
        CompletableFuture<JsonObject> ts = typeScript(token("ts-agent"), done -> { });
        CompletableFuture<JsonObject> py = python(token("py-agent"));
        JsonObject tsDone = ts.get(4, TimeUnit.MINUTES);
        JsonObject pyDone = py.get(4, TimeUnit.MINUTES);
        assertThat(tsDone.getInteger("failed")).as(tsDone.encode()).isZero();
        assertThat(tsDone.getInteger("ok")).isEqualTo(CALLS);
        assertThat(pyDone.getInteger("failed")).as(pyDone.encode()).isZero();
        assertThat(pyDone.getInteger("ok")).isEqualTo(CALLS);

        for (String caller : List.of("ts-agent", "py-agent")) {
            List<List<JsonObject>> perMember = audited(caller);
            // The balancer spread the calls: every member served some, so the one session lived on all three.
            assertThat(perMember).allSatisfy(lines -> assertThat(lines).isNotEmpty());
            List<JsonObject> all = perMember.stream().flatMap(List::stream).toList();
            assertThat(all).hasSize(CALLS).allSatisfy(j -> assertThat(j.getString("decision")).isEqualTo("allow"));
            // Each call's arguments differ, so distinct digests mean each call has exactly one line.
            assertThat(all.stream().map(j -> j.getString("argumentDigest")).distinct()).hasSize(CALLS);
        }
    }

    @Test
    @Order(2)
    void killingAMemberMidRunFailsAtMostTheCallsInFlightOnItAndTheClientsGoOn() throws Exception {
        CompletableFuture<Void> killed = new CompletableFuture<>();
        CompletableFuture<JsonObject> ts = typeScript(token("ts-survivor"), done -> {
            if (done >= 300 && !killed.isDone()) {
                try {
                    members.kill(2);
                    killed.complete(null);
                } catch (Exception e) {
                    killed.completeExceptionally(e);
                }
            }
        });
        CompletableFuture<JsonObject> py = python(token("py-survivor"));
        JsonObject tsDone = ts.get(4, TimeUnit.MINUTES);
        JsonObject pyDone = py.get(4, TimeUnit.MINUTES);
        assertThat(killed).isCompleted();
        // A sequential client has at most one call in flight on the killed member (two: its GET stream's reconnect
        // may race its next call), and every other call succeeds through the two members left.
        assertThat(tsDone.getInteger("failed")).as(tsDone.encode()).isLessThanOrEqualTo(2);
        assertThat(tsDone.getInteger("ok") + tsDone.getInteger("failed")).isEqualTo(CALLS);
        assertThat(pyDone.getInteger("failed")).as(pyDone.encode()).isLessThanOrEqualTo(2);
        assertThat(pyDone.getInteger("ok") + pyDone.getInteger("failed")).isEqualTo(CALLS);
    }

    @Test
    @Order(3)
    void aRevocationAnswered200ThroughTheBalancerIsInForceOnTheNextRequestWhicheverMemberServesIt() throws Exception {
        String agent = token("soon-revoked");
        String root = verifier.verify(agent).revocationIds().get(0);
        HttpResponse<String> revoke = ClusterMembers.HTTP.send(HttpRequest.newBuilder(proxy.base().resolve("/admin/revocations"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("revocationId", root)
                        .put("reason", "test").encode())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(200);
        // Round-robin: a few requests in a row reach every member left.
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = ClusterMembers.HTTP.send(HttpRequest.newBuilder(proxy.mcpUrl())
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + agent)
                    .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                            + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                            + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
            assertThat(new JsonObject(r.body()).getJsonObject("error").getJsonObject("data").getString("reason"))
                    .isEqualTo("revoked");
        }
    }

    @Test
    @Order(4)
    void aCallHeldForApprovalIsReleasedByAnApprovalThroughTheBalancerWhicheverMembersServeEachStep() throws Exception {
        String agent = minter.mint(MintSpec.builder("approval-seeker").right("tool", "fixture", "regional")
                .ttl(Duration.ofHours(1)).build());
        HttpResponse<String> init = mcp(agent, null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(mcp(agent, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").statusCode())
                .isEqualTo(202);
        // The call is held on whichever member the balancer sent it to; the list and the approval go wherever
        // the balancer sends them next.
        CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() -> {
            try {
                return mcp(agent, session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                        + "{\"name\":\"fixture__regional\",\"arguments\":{\"region\":\"eu\",\"query\":\"held\"}}}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        JsonObject pending = await("the held call is listed through the balancer").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> new JsonObject(admin("GET", "/admin/approvals").body()).getJsonArray("approvals"),
                        list -> !list.isEmpty())
                .getJsonObject(0);
        assertThat(pending.getString("caller")).isEqualTo("approval-seeker");
        // Held calls live in the cluster: both members left (the second test killed member 2) list it.
        for (int i : new int[] {0, 1}) {
            HttpResponse<String> list = ClusterMembers.HTTP.send(HttpRequest.newBuilder(members.base(i).resolve("/admin/approvals"))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + admin).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(list.body()).as("member %d", i).contains(pending.getString("id"));
        }
        HttpResponse<String> approve = admin("POST", "/admin/approvals/" + pending.getString("id") + "/approve");
        assertThat(approve.statusCode()).as(approve.body()).isEqualTo(200);
        HttpResponse<String> answer = held.get(30, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("\"id\":2").contains("eu: held").doesNotContain("\"error\"");
    }

    private static HttpResponse<String> mcp(String bearer, String session, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(proxy.mcpUrl()).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18");
        }
        return ClusterMembers.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> admin(String method, String path) throws Exception {
        return ClusterMembers.HTTP.send(HttpRequest.newBuilder(proxy.base().resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + admin)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
