package dev.warrant.gateway.limit;

import dev.warrant.gateway.cluster.ClusterNode;
import dev.warrant.gateway.cluster.InJvmCluster;
import dev.warrant.policies.limits.RateLimit;
import dev.warrant.policies.limits.Ticker;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Measurement, not a test (docs/PERFORMANCE.md, "Rate limits across members"): the cost of one rate-limit check
 * per scope, divided (local buckets) and cluster (a Hazelcast entry processor on the key's owner), with 1, 2 and 3
 * members in this JVM on loopback TCP. One caller key per call out of 1000, so a check lands on every partition.
 * Run: {@code java -cp <gateway test classpath> dev.warrant.gateway.limit.LimitCostMeasurement}
 */
public final class LimitCostMeasurement {

    private static final int WARMUP = 20_000;
    private static final int CALLS = 50_000;

    public static void main(String[] args) throws Exception {
        RateLimit rate = new RateLimit(1_000_000, 1_000_000);
        LocalLimit divided = new LocalLimit(rate, () -> 3, Ticker.SYSTEM, 100_000);
        report("divided (local)", measure(key -> divided.acquireNow(key)));
        for (int size = 1; size <= 3; size++) {
            List<ClusterNode> nodes = InJvmCluster.start(size);
            try {
                ClusterLimit cluster = new ClusterLimit(nodes.get(0).hazelcast(), "caller", rate, divided);
                report("cluster, " + size + " member(s)", measure(key -> {
                    try {
                        cluster.tryAcquire(key).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            } finally {
                nodes.forEach(ClusterNode::close);
            }
        }
    }

    private interface Check {
        void run(String key);
    }

    private static long[] measure(Check check) {
        for (int i = 0; i < WARMUP; i++) {
            check.run("agent-" + (i % 1000));
        }
        long[] nanos = new long[CALLS];
        for (int i = 0; i < CALLS; i++) {
            long start = System.nanoTime();
            check.run("agent-" + (i % 1000));
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static void report(String what, long[] sorted) {
        System.out.printf("%-22s p50 %7.1f us  p99 %7.1f us%n", what, sorted[sorted.length / 2] / 1e3,
                sorted[(int) (sorted.length * 0.99)] / 1e3);
    }
}
