package dev.warrant.gateway.limit;

import dev.warrant.gateway.cluster.ClusterNode;
import dev.warrant.gateway.cluster.InJvmCluster;
import dev.warrant.policies.limits.DriftThreshold;
import dev.warrant.policies.limits.LimitScope;
import dev.warrant.policies.limits.RateLimit;
import dev.warrant.policies.limits.Ticker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a rate means across members: a divided limit gives each member its share, re-cut when the membership
 * changes; a cluster limit is one bucket for all members (two real Hazelcast members in this JVM). Drift
 * windows follow the same scopes.
 */
class LimitScopeTest {

    private static ClusterNode a;
    private static ClusterNode b;

    /** A clock that only moves when told: no refill during a test. */
    private final AtomicLong nanos = new AtomicLong();
    private final Ticker frozen = nanos::get;

    @Test
    void aDividedLimitGivesEachMemberItsShareAndIsRecutWhenMembersComeAndGo() {
        AtomicInteger members = new AtomicInteger(3);
        LocalLimit limit = new LocalLimit(new RateLimit(1, 6), members::get, frozen, 100);
        // Three members: a burst of 6 is 2 here.
        assertThat(limit.acquireNow("alice")).isZero();
        assertThat(limit.acquireNow("alice")).isZero();
        assertThat(limit.acquireNow("alice")).isPositive();
        // One member left: it holds the whole burst (a fresh bucket at the new share).
        members.set(1);
        for (int i = 0; i < 6; i++) {
            assertThat(limit.acquireNow("alice")).as("call %d", i).isZero();
        }
        assertThat(limit.acquireNow("alice")).isPositive();
        // A share never falls below one call.
        assertThat(LimitScope.share(new RateLimit(1, 2), 10)).isEqualTo(new RateLimit(0.1, 1));
    }

    @Test
    void aDividedDriftThresholdIsEachMembersShare() {
        AtomicInteger members = new AtomicInteger(3);
        DenialCounter counter = DenialCounter.of(LimitScope.DIVIDED, new DriftThreshold(7, Duration.ofMinutes(1)),
                frozen, members::get, null);
        // Three members: more than 7 / 3 = 2 denials here trips it.
        assertThat(deny(counter, "mallory")).isFalse();
        assertThat(deny(counter, "mallory")).isFalse();
        assertThat(deny(counter, "mallory")).isTrue();
        // The member scope keeps the whole threshold on each member.
        DenialCounter perMember = DenialCounter.of(LimitScope.MEMBER, new DriftThreshold(7, Duration.ofMinutes(1)),
                frozen, members::get, null);
        for (int i = 0; i < 7; i++) {
            assertThat(deny(perMember, "mallory")).as("denial %d", i).isFalse();
        }
        assertThat(deny(perMember, "mallory")).isTrue();
    }

    @Test
    void aClusterLimitIsOneBucketWhicheverMemberCounts() throws Exception {
        // A slow refill (one call per 1000 s) so that only the burst counts during the test.
        RateLimit rate = new RateLimit(0.001, 5);
        ClusterLimit onA = new ClusterLimit(a.hazelcast(), "caller", rate, new LocalLimit(rate, () -> 2, frozen, 100));
        ClusterLimit onB = new ClusterLimit(b.hazelcast(), "caller", rate, new LocalLimit(rate, () -> 2, frozen, 100));
        int allowed = 0;
        for (int i = 0; i < 10; i++) {
            ClusterLimit member = i % 2 == 0 ? onA : onB;
            long wait = member.tryAcquire("bob").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            if (wait == 0) {
                allowed++;
            } else {
                assertThat(wait).isGreaterThan(TimeUnit.SECONDS.toNanos(1));
            }
        }
        // Five for the whole cluster, not five per member.
        assertThat(allowed).isEqualTo(5);
        // Another caller has its own bucket.
        assertThat(onB.tryAcquire("carol").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void aClusterDriftWindowCountsEveryMembersDenialsOnce() throws Exception {
        DriftThreshold threshold = new DriftThreshold(3, Duration.ofMinutes(1));
        DenialCounter onA = DenialCounter.of(LimitScope.CLUSTER, threshold, frozen, () -> 2, a.hazelcast());
        DenialCounter onB = DenialCounter.of(LimitScope.CLUSTER, threshold, frozen, () -> 2, b.hazelcast());
        // Denials alternate between the members: the fourth in the cluster trips, whichever member counts it.
        List<Boolean> trips = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            trips.add(deny(i % 2 == 0 ? onA : onB, "eve"));
        }
        assertThat(trips).containsExactly(false, false, false, true, false, false, false, true);
        // Another caller has its own window.
        assertThat(deny(onB, "frank")).isFalse();
    }

    private static boolean deny(DenialCounter counter, String caller) {
        try {
            return counter.deny(caller).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Two real Hazelcast members in this JVM, shared by the cluster-scope tests. */
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
