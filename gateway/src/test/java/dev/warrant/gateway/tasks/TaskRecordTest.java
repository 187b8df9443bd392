package dev.warrant.gateway.tasks;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TaskRecordTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    @Test
    void aRecordSurvivesTheClusterMapAndAnythingElseReadsAsNoRecord() {
        TaskRecord record = new TaskRecord("fixture", "job", new JsonObject().put("text", "x"), "high", "t-1",
                List.of("r0", "r1"), "c-1", NOW);
        assertThat(TaskRecord.decode(record.encode())).isEqualTo(record);
        for (String bad : List.of("", "{", "[]", "{}", "{\"server\":1}", new JsonObject(record.encode()).put("chain", "r0").encode())) {
            assertThat(TaskRecord.decode(bad)).as(bad).isNull();
        }
    }

    @Test
    void warrantKeepsATaskNoLongerThanTheUpstreamSaysTheTokenLivesOrADay() {
        Instant tokenLate = NOW.plus(Duration.ofDays(7));
        assertThat(TaskResults.expiry(NOW, 60_000, tokenLate)).isEqualTo(NOW.plusSeconds(60));
        assertThat(TaskResults.expiry(NOW, null, tokenLate)).isEqualTo(NOW.plus(TaskResults.MAX_TTL));
        assertThat(TaskResults.expiry(NOW, -5, tokenLate)).isEqualTo(NOW.plus(TaskResults.MAX_TTL));
        assertThat(TaskResults.expiry(NOW, 60_000, NOW.plusSeconds(10))).isEqualTo(NOW.plusSeconds(10));
    }
}
