package dev.warrant.gateway.cluster;

import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import dev.warrant.gateway.admin.AdminApi;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three gateway members as separate JVMs on loopback. The promise (a revocation answered 200 on one member is
 * in force on every live member), kill -9 during a stream of revocations, and a full restart. The methods
 * run in order on one cluster; each later one also re-checks what the earlier ones revoked.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterRevocationTest {

    static Path dir;
    static Minter minter;
    static Verifier verifier;
    static String admin;
    static ClusterMembers members;
    /** Every token whose revocation was acknowledged (200), with how. */
    static final List<String> revokedTokens = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        dir = Files.createTempDirectory("warrant-cluster-test");
        SigningKey key = KeyFiles.loadOrCreate(dir.resolve("keys"));
        minter = new Minter(key, Clock.systemUTC(), Duration.ofHours(24));
        verifier = new Verifier(KeyRing.of(key.publicKey()), VerifierSettings.defaults(), Clock.systemUTC());
        admin = minter.mint(MintSpec.builder("security-team").right("admin", AdminApi.AREA, "*")
                .ttl(Duration.ofHours(1)).build());
        members = new ClusterMembers(dir, dir.resolve("keys/root.pub"), 3);
        members.start(admin, 3, 0, 1, 2);
    }

    @AfterAll
    static void stop() throws Exception {
        if (members != null) {
            members.close();
        }
    }

    @Test
    @Order(1)
    void aRevocationAnswered200OnOneMemberIsDeniedOnEveryOtherAtOnceUnderLoad() throws Exception {
        int rounds = 50;
        int callsAfter = 0;
        int callsTotal = 0;
        for (int round = 0; round < rounds; round++) {
            String agent = "planner-" + round;
            String task = "task-" + round;
            String parent = minter.mint(MintSpec.builder(agent).right("tool", "notes", "read_note").task(task)
                    .ttl(Duration.ofMinutes(30)).build());
            // Callers use a token delegated from the revoked one: revocation reaches derived tokens.
            String child = Delegator.attenuate(parent, HopSpec.delegateTo("researcher-" + round)
                    .tools("notes", "read_note").build(), Clock.systemUTC());
            JsonObject body = switch (round % 5) {
                case 3 -> new JsonObject().put("agent", agent);
                case 4 -> new JsonObject().put("task", task);
                default -> new JsonObject().put("revocationId", verifier.verify(parent).revocationIds().get(0));
            };
            int revoker = round % 3;
            List<Integer> others = new ArrayList<>(List.of(0, 1, 2));
            others.remove(Integer.valueOf(revoker));
            List<String> sessions = new ArrayList<>();
            for (int m : others) {
                HttpResponse<String> init = mcp(m, child, null, INITIALIZE);
                assertThat(init.statusCode()).as("before the revocation the token works").isEqualTo(200);
                sessions.add(init.headers().firstValue("Mcp-Session-Id").orElseThrow());
            }

            // Concurrent callers on both other members, before, during and after the revocation.
            List<long[]> calls = Collections.synchronizedList(new ArrayList<>()); // {startNanos, allowed 1/0}
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger errors = new AtomicInteger();
            List<Thread> callers = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                int m = others.get(k % 2);
                String session = sessions.get(k % 2);
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        long start = System.nanoTime();
                        try {
                            HttpResponse<String> r = mcp(m, child, session, PING);
                            calls.add(new long[]{start, outcome(r)});
                        } catch (Exception | AssertionError e) {
                            // Counted, so an unexpected answer fails the test instead of silently ending this caller.
                            errors.incrementAndGet();
                        }
                    }
                });
                t.start();
                callers.add(t);
            }
            // The load is running before the revocation: some calls are in.
            await().atMost(Duration.ofSeconds(10)).until(() -> calls.size() >= callers.size());
            HttpResponse<String> revoke = revoke(revoker, body);
            long returned = System.nanoTime();
            assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(200);
            revokedTokens.add(child);
            // Immediately after: each other member denies.
            for (int i = 0; i < others.size(); i++) {
                assertThat(outcome(mcp(others.get(i), child, sessions.get(i), PING))).isEqualTo(0);
            }
            // ... and after it: calls started once revoke had returned, whose answers are checked below.
            await().atMost(Duration.ofSeconds(10)).until(() -> startedAfter(calls, returned) >= 2);
            stop.set(true);
            for (Thread t : callers) {
                t.join(TimeUnit.SECONDS.toMillis(30));
                assertThat(t.isAlive()).as("a caller still running").isFalse();
            }
            assertThat(errors.get()).isZero();
            List<long[]> snapshot;
            synchronized (calls) {
                snapshot = new ArrayList<>(calls);
            }
            for (long[] call : snapshot) {
                if (call[0] > returned) {
                    callsAfter++;
                    assertThat(call[1]).as("a call started after revoke returned was allowed (round %d)", round).isEqualTo(0);
                }
            }
            callsTotal += snapshot.size();
        }
        assertThat(callsAfter).as("the load really overlapped the revocations").isGreaterThan(rounds);
        System.out.printf("cluster promise: %d revocations, %d concurrent calls, %d started after revoke returned, 0 allowed%n",
                rounds, callsTotal, callsAfter);
    }

    @Test
    @Order(2)
    void killDashNineDuringAStreamOfRevocationsLosesNoAcknowledgedOne() throws Exception {
        List<String> acknowledged = new ArrayList<>();
        int afterKill = 0;
        int refused = 0;
        boolean killed = false;
        for (int i = 0; i < 200 && afterKill < 10; i++) {
            String token = minter.mint(MintSpec.builder("stream-" + i).right("tool", "notes", "read_note")
                    .ttl(Duration.ofMinutes(30)).build());
            if (i == 10) {
                members.kill(2);
                killed = true;
            }
            int revoker = i % 2;
            HttpResponse<String> r = revoke(revoker, new JsonObject().put("revocationId",
                    verifier.verify(token).revocationIds().get(0)));
            if (r.statusCode() == 200) {
                acknowledged.add(token);
                if (killed) {
                    afterKill++;
                }
            } else {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
                assertThat(new JsonObject(r.body()).getJsonObject("error").getString("reason")).isEqualTo("revocation_incomplete");
                refused++;
            }
        }
        assertThat(afterKill).as("survivors keep confirming revocations after the kill").isGreaterThanOrEqualTo(10);
        for (String token : acknowledged) {
            for (int m = 0; m < 2; m++) {
                assertThat(outcome(mcp(m, token, null, INITIALIZE))).as("member %d", m).isEqualTo(0);
            }
        }
        for (String token : revokedTokens) {
            for (int m = 0; m < 2; m++) {
                assertThat(outcome(mcp(m, token, null, INITIALIZE))).isEqualTo(0);
            }
        }
        revokedTokens.addAll(acknowledged);
        System.out.printf("kill -9: %d acknowledged (%d after the kill), %d answered 503 while the member was being dropped%n",
                acknowledged.size(), afterKill, refused);
    }

    @Test
    @Order(3)
    void afterAFullRestartEveryRevocationIsStillInForce() throws Exception {
        for (int m = 0; m < 3; m++) {
            members.kill(m);
        }
        members.start(admin, 3, 0, 1, 2);
        assertThat(revokedTokens).hasSizeGreaterThan(60);
        for (String token : revokedTokens) {
            for (int m = 0; m < 3; m++) {
                assertThat(outcome(mcp(m, token, null, INITIALIZE))).as("member %d after restart", m).isEqualTo(0);
            }
        }
        String fresh = minter.mint(MintSpec.builder("fresh").right("tool", "notes", "read_note")
                .ttl(Duration.ofMinutes(30)).build());
        for (int m = 0; m < 3; m++) {
            assertThat(outcome(mcp(m, fresh, null, INITIALIZE))).as("an unrevoked token still works").isEqualTo(1);
        }
    }

    static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
    static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}";

    /**
     * 1 allowed, 0 denied as revoked; anything else fails the test. A revocation also ends the sessions of the
     * revoked token, so a request that passed authentication just before the revocation landed on its member
     * finds its session gone: 404 session_unknown, a denial too.
     */
    static int outcome(HttpResponse<String> r) {
        if (r.statusCode() == 200) {
            return 1;
        }
        if (r.statusCode() == 401 && r.body().contains("\"revoked\"")
                || r.statusCode() == 404 && r.body().contains("\"session_unknown\"")) {
            return 0;
        }
        throw new AssertionError("unexpected answer " + r.statusCode() + " " + r.body());
    }

    /** How many of these {startNanos, outcome} calls started after {@code nanos}. */
    private static long startedAfter(List<long[]> calls, long nanos) {
        synchronized (calls) {
            return calls.stream().filter(call -> call[0] > nanos).count();
        }
    }

    static HttpResponse<String> mcp(int member, String token, String session, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(members.base(member) + "/mcp"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18");
        }
        return ClusterMembers.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> revoke(int member, JsonObject body) throws Exception {
        return ClusterMembers.HTTP.send(HttpRequest.newBuilder(URI.create(members.base(member) + "/admin/revocations"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + admin)
                .POST(HttpRequest.BodyPublishers.ofString(body.put("reason", "test").encode())).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
