package dev.warrant.gateway;

import dev.warrant.delegation.MintSpec;
import dev.warrant.gateway.record.AuditSettings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * No audit, no action: a gateway whose audit log cannot be written (/dev/full, as a full disk) refuses every
 * request with {@code audit_unavailable} once a write has failed, unless {@code audit.onFailure: answer}.
 */
class AuditFailureTest {

    private static final Path FULL_DISK = Path.of("/dev/full");

    @Test
    void onceAWriteFailsEveryRequestIsRefusedBeforeItRuns() throws Exception {
        try (TestGateway gw = new TestGateway(null, null, b -> b.auditFile(FULL_DISK))) {
            String token = reader(gw);
            // The first request runs: its record is written only after it is done, and that write fails.
            HttpResponse<String> first = Agents.post(gw.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer " + token);
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(first.body()).containsKey("result")).isTrue();
            // From then on nothing runs: not even the token check (a bad token gets the same answer).
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                HttpResponse<String> refused = Agents.post(gw.mcpUrl(), Agents.INITIALIZE,
                        "Authorization", "Bearer " + token);
                assertThat(EndToEndTest.reason(refused)).isEqualTo("audit_unavailable");
                assertThat(new JsonObject(refused.body()).getJsonObject("error").getInteger("code")).isEqualTo(-32014);
            });
            HttpResponse<String> badToken = Agents.post(gw.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer nonsense");
            assertThat(EndToEndTest.reason(badToken)).isEqualTo("audit_unavailable");
        }
    }

    @Test
    void withOnFailureAnswerRequestsAreStillAnswered() throws Exception {
        AuditSettings answer = new AuditSettings(AuditSettings.DEFAULT_MAX_FILE_BYTES, AuditSettings.DEFAULT_MAX_FILES,
                false, false);
        try (TestGateway gw = new TestGateway(null, null, b -> b.auditFile(FULL_DISK).audit(answer))) {
            String token = reader(gw);
            // An answer leaves only after its audit write was tried, so each next request meets the failed log.
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = Agents.post(gw.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer " + token);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(new JsonObject(r.body()).containsKey("result")).as(r.body()).isTrue();
            }
        }
    }

    private static String reader(TestGateway gw) {
        return gw.minter.mint(MintSpec.builder("auditor-test").right("tool", "notes", "read_note")
                .ttl(Duration.ofMinutes(10)).build());
    }
}
