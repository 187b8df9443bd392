package dev.warrant.gateway.cluster;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sealing keys rotated through the cluster (two real Hazelcast members in this JVM, a clock the test moves): both
 * members seal under the same key per epoch, a text opens on either while its epoch is retained, and not after.
 */
class RotatingKeysTest {

    private static ClusterNode a;
    private static ClusterNode b;

    /** A clock that moves only when told. */
    private static final class MovableClock extends Clock {
        final AtomicLong millis = new AtomicLong(Instant.parse("2026-12-04T00:00:00Z").toEpochMilli());

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    @Test
    void bothMembersSealUnderOneKeyPerEpochAndATextOpensOnlyWhileItsEpochIsRetained() {
        MovableClock clock = new MovableClock();
        Duration period = Duration.ofHours(1);
        String name = "test-" + UUID.randomUUID();
        try (RotatingKeys onA = new RotatingKeys(a, name, period, 3, clock);
             RotatingKeys onB = new RotatingKeys(b, name, period, 3, clock)) {
            Sealer sealA = new Sealer(onA, "t1.", "test");
            Sealer sealB = new Sealer(onB, "t1.", "test");
            assertThat(onA.current().secret()).isEqualTo(onB.current().secret());
            String early = sealA.seal(new JsonObject().put("n", 1));
            assertThat(sealB.open(early)).isEqualTo(new JsonObject().put("n", 1));

            // One epoch on: a new key seals, the old one still opens on both.
            clock.millis.addAndGet(period.toMillis());
            onA.refresh();
            onB.refresh();
            assertThat(onA.current().secret()).isEqualTo(onB.current().secret());
            String later = sealB.seal(new JsonObject().put("n", 2));
            assertThat(later.substring(0, 14)).isNotEqualTo(early.substring(0, 14));
            assertThat(sealA.open(early)).isNotNull();
            assertThat(sealA.retained(early)).isTrue();

            // Three epochs after the first: its key is retired everywhere; the later text still opens.
            clock.millis.addAndGet(2 * period.toMillis());
            onA.refresh();
            onB.refresh();
            assertThat(sealA.open(early)).isNull();
            assertThat(sealB.open(early)).isNull();
            assertThat(sealB.retained(early)).isFalse();
            assertThat(sealA.open(later)).isEqualTo(new JsonObject().put("n", 2));
            // A text under another purpose's prefix, or cut short, is never retained.
            assertThat(sealA.retained("x1." + later.substring(3))).isFalse();
            assertThat(sealA.retained("t1.AAA")).isFalse();
        }
    }

    @BeforeAll
    static void startTwoMembers() throws Exception {
        List<ClusterNode> nodes = InJvmCluster.start(2);
        a = nodes.get(0);
        b = nodes.get(1);
    }

    @AfterAll
    static void stopMembers() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }
}
