package dev.warrant.gateway.limit;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import dev.warrant.policies.limits.DriftThreshold;
import io.vertx.core.Future;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One denial window per caller for the whole cluster: each counted denial runs a small entry processor on the
 * caller's partition owner. A denial has already been answered when it is counted, so the round trip is off the
 * call's path. If the cluster does not answer in time, this member's share counts it instead ({@code fallback},
 * {@link ClusterAnswer}).
 */
final class ClusterDenials implements DenialCounter {

    static final String MAP_NAME = "warrant.drift-windows";

    private final IMap<String, long[]> windows;
    private final DriftThreshold threshold;
    private final LocalDenials fallback;

    ClusterDenials(HazelcastInstance hazelcast, DriftThreshold threshold, LocalDenials fallback) {
        this.windows = hazelcast.getMap(MAP_NAME);
        this.threshold = threshold;
        this.fallback = fallback;
    }

    @Override
    public DriftThreshold threshold() {
        return threshold;
    }

    @Override
    public Future<Boolean> deny(String caller) {
        CompletionStage<Boolean> counted = windows.submitToKey(caller,
                new CountDenial(threshold.maxDenials(), threshold.window().toMillis()));
        return ClusterAnswer.within(counted, () -> fallback.denyNow(caller), "drift window");
    }

    /**
     * Appends one denial to a caller's window, on the partition owner: the times (wall-clock milliseconds: the
     * owner may change, and members' clocks agree well enough for windows of seconds to minutes) still inside the
     * window, at most {@code maxDenials + 1} of them. The entry expires one window after its last denial.
     */
    static final class CountDenial implements EntryProcessor<String, long[], Boolean> {

        private static final long serialVersionUID = 1L;

        private final int maxDenials;
        private final long windowMillis;

        CountDenial(int maxDenials, long windowMillis) {
            this.maxDenials = maxDenials;
            this.windowMillis = windowMillis;
        }

        @Override
        public Boolean process(Map.Entry<String, long[]> entry) {
            long now = System.currentTimeMillis();
            long[] times = entry.getValue() == null ? new long[0] : entry.getValue();
            long[] kept = Arrays.stream(times).filter(t -> now - t < windowMillis).toArray();
            long[] next = Arrays.copyOf(kept, kept.length + 1);
            next[kept.length] = now;
            boolean tripped = next.length > maxDenials;
            ((ExtendedMapEntry<String, long[]>) entry).setValue(tripped ? new long[0] : next, windowMillis,
                    TimeUnit.MILLISECONDS);
            return tripped;
        }
    }
}
