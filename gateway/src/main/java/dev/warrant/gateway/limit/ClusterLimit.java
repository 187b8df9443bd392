package dev.warrant.gateway.limit;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import dev.warrant.policies.limits.RateLimit;
import io.vertx.core.Future;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One token bucket per key for the whole cluster ({@link dev.warrant.policies.limits.LimitScope#CLUSTER}): each
 * call runs a small entry processor on the key's partition owner in Hazelcast (a network round trip unless this
 * member owns it; measured in docs/PERFORMANCE.md). Idle buckets expire. If the cluster does not answer in time,
 * this member's share of the rate decides instead ({@code fallback}, {@link ClusterAnswer}).
 */
final class ClusterLimit implements KeyedLimit {

    static final String MAP_NAME = "warrant.rate-buckets";

    private final IMap<String, long[]> buckets;
    private final String namespace;
    private final RateLimit limit;
    private final LocalLimit fallback;

    ClusterLimit(HazelcastInstance hazelcast, String namespace, RateLimit limit, LocalLimit fallback) {
        this.buckets = hazelcast.getMap(MAP_NAME);
        this.namespace = namespace;
        this.limit = limit;
        this.fallback = fallback;
    }

    @Override
    public RateLimit limit() {
        return limit;
    }

    @Override
    public Future<Long> tryAcquire(String key) {
        CompletionStage<Long> taken = buckets.submitToKey(namespace + ":" + key, new Take(limit.ratePerSecond(), limit.burst()));
        return ClusterAnswer.within(taken, () -> fallback.acquireNow(key), namespace + " rate limit");
    }

    /**
     * Takes one token from a bucket, on the partition owner: tokens and last refill in microseconds of wall-clock
     * time (the owner may change; each member's clock is close enough for refills measured in calls per second).
     */
    static final class Take implements EntryProcessor<String, long[], Long> {

        private static final long serialVersionUID = 1L;
        /** An idle bucket is full again after burst / rate; keep it a little longer, then let it go. */
        private static final long MIN_TTL_SECONDS = 60;

        private final double ratePerSecond;
        private final int burst;

        Take(double ratePerSecond, int burst) {
            this.ratePerSecond = ratePerSecond;
            this.burst = burst;
        }

        @Override
        public Long process(Map.Entry<String, long[]> entry) {
            long now = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
            long[] state = entry.getValue();
            double tokens = burst;
            if (state != null) {
                double elapsedSeconds = Math.max(0, now - state[1]) / 1e6;
                tokens = Math.min(burst, Double.longBitsToDouble(state[0]) + elapsedSeconds * ratePerSecond);
            }
            long waitNanos = 0;
            if (tokens >= 1) {
                tokens -= 1;
            } else {
                waitNanos = (long) Math.ceil((1 - tokens) / ratePerSecond * 1e9);
            }
            long ttl = Math.max(MIN_TTL_SECONDS, (long) Math.ceil(burst / ratePerSecond) * 2);
            ((ExtendedMapEntry<String, long[]>) entry).setValue(new long[] {Double.doubleToLongBits(tokens), now},
                    ttl, TimeUnit.SECONDS);
            return waitNanos;
        }
    }
}
