package dev.warrant.gateway;

import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.MintSpec;
import dev.warrant.policies.limits.DriftThreshold;
import dev.warrant.policies.limits.LimitSettings;
import dev.warrant.policies.limits.RateLimit;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Per-caller rate limits and drift containment through a real gateway: 2 calls/s with bursts of 16 per caller,
 * and a caller with more than 3 denials within a minute is quarantined.
 */
class RateLimitAndDriftTest {

    static final String READ = "notes__read_note";
    static final Map<String, Object> PUBLIC = Map.of("path", "/notes/public/hello.md");
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        gw = new TestGateway(null, null, b -> b.limits(LimitSettings.defaults()
                .withPerCaller(new RateLimit(2, 16))
                .withDrift(new DriftThreshold(3, Duration.ofMinutes(1)))));
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private static String reader(String agent) {
        return gw.minter.mint(MintSpec.builder(agent).right("tool", "notes", "read_note").ttl(Duration.ofMinutes(10)).build());
    }

    @Test
    void aCallerOverItsRateIsRefusedUntilItsBucketRefillsAndOthersAreUnaffected() throws Exception {
        try (McpSyncClient hasty = Agents.connect(gw.mcpUrl(), reader("hasty"));
             McpSyncClient calm = Agents.connect(gw.mcpUrl(), reader("calm"))) {
            int allowed = 0;
            McpError refused = null;
            long start = System.nanoTime();
            for (int i = 0; i < 40 && refused == null; i++) {
                try {
                    assertThat(Agents.text(Agents.call(hasty, READ, PUBLIC))).contains("Hello");
                    allowed++;
                } catch (McpError e) {
                    refused = e;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(refused).as("40 calls at once exceed a burst of 16").isNotNull();
            assertThat(EndToEndTest.reason(refused)).isEqualTo("rate_limited");
            assertThat(refused.getJsonRpcError().code()).isEqualTo(-32004);
            assertThat(String.valueOf(((Map<?, ?>) refused.getJsonRpcError().data()).get("detail"))).contains("retry after");
            // The burst (16, less the handshake's messages, which count too) passed, and no more than the 2/s
            // refill over the time the calls took (measured, so a slow machine cannot fail it).
            assertThat(allowed).isBetween(10, Math.max(18, 16 + (int) Math.ceil(2 * seconds)));

            // Another caller has its own bucket.
            assertThat(Agents.text(Agents.call(calm, READ, PUBLIC))).contains("Hello");

            // The session survived the refusal; after a refill the caller may call again. The refill is time that
            // must pass (1.1 s is two tokens at 2/s), not a condition to poll for.
            Thread.sleep(1_100);
            assertThat(Agents.text(Agents.call(hasty, READ, PUBLIC))).contains("Hello");
        }
    }

    @Test
    void aCallerWhoseDenialsPassTheThresholdIsQuarantinedAndAnAlertIsAudited() throws Exception {
        String parent = gw.minter.mint(MintSpec.builder("drift-planner").right("tool", "notes", "read_note")
                .ttl(Duration.ofMinutes(10)).build());
        String drifter = Delegator.attenuate(parent, HopSpec.delegateTo("drifter").tools("notes", "read_note")
                .argPathPrefix("path", "/notes/public/").ttl(Duration.ofMinutes(5)).build(), Clock.systemUTC());
        String almost = Delegator.attenuate(parent, HopSpec.delegateTo("almost").tools("notes", "read_note")
                .argPathPrefix("path", "/notes/public/").ttl(Duration.ofMinutes(5)).build(), Clock.systemUTC());
        Map<String, Object> privateNote = Map.of("path", "/notes/private/plan.md");

        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), almost)) {
            // Three denials are tolerated (maxDenials 3).
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> Agents.call(client, READ, privateNote))
                        .isInstanceOfSatisfying(McpError.class, e -> assertThat(EndToEndTest.reason(e)).isEqualTo("constraint_failed"));
            }
            assertThat(Agents.text(Agents.call(client, READ, PUBLIC))).contains("Hello");
        }
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), drifter)) {
            for (int i = 0; i < 4; i++) {
                assertThatThrownBy(() -> Agents.call(client, READ, privateNote))
                        .isInstanceOfSatisfying(McpError.class, e -> assertThat(EndToEndTest.reason(e)).isEqualTo("constraint_failed"));
            }
        }
        // The fourth denial quarantines "drifter": every token naming it is revoked, cluster-wide.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> r = Agents.post(gw.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer " + drifter);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(EndToEndTest.reason(r)).isEqualTo("revoked");
        });
        Path auditLog = gw.stateDir.resolve("audit.log");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<JsonObject> alerts = Files.readAllLines(auditLog).stream().map(JsonObject::new)
                    .filter(j -> "alert".equals(j.getString("decision"))).toList();
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).getString("reason")).isEqualTo("drift_quarantine");
            assertThat(alerts.get(0).getString("caller")).isEqualTo("drifter");
            assertThat(alerts.get(0).getJsonArray("chain").getList()).containsExactly("drift-planner", "drifter");
        });
        // Scoped to the drifting caller: its delegator and the caller below the threshold keep working.
        try (McpSyncClient planner = Agents.connect(gw.mcpUrl(), parent);
             McpSyncClient client = Agents.connect(gw.mcpUrl(), almost)) {
            assertThat(Agents.text(Agents.call(planner, READ, PUBLIC))).contains("Hello");
            assertThat(Agents.text(Agents.call(client, READ, PUBLIC))).contains("Hello");
        }
    }
}
