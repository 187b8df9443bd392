package dev.warrant.policies.limits;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets by key (a caller, a tool), all with the same {@link RateLimit}. Limits are per node: a
 * cluster-wide count would cost a network hop on every call.
 *
 * <p>Memory is bounded by {@code maxKeys}. When the map is full, buckets that have refilled completely are
 * dropped first (losslessly: a full bucket is what a new key gets anyway). If every bucket is still in use,
 * arbitrary ones are dropped: under such a flood of distinct authenticated callers a few of them get a fresh
 * burst, which we prefer to refusing new callers outright.
 *
 * <p>Concurrency: lock-free map lookups; each bucket synchronizes on itself. Safe on the event loop.
 */
public final class RateLimiter {

    private final RateLimit limit;
    private final Ticker ticker;
    private final int maxKeys;
    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(RateLimit limit, Ticker ticker, int maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1");
        }
        this.limit = limit;
        this.ticker = ticker;
        this.maxKeys = maxKeys;
    }

    public RateLimit limit() {
        return limit;
    }

    /** @return 0 when the call may proceed; otherwise nanoseconds until {@code key} may call again */
    public long tryAcquire(String key) {
        long now = ticker.read();
        TokenBucket bucket = buckets.get(key);
        if (bucket == null) {
            if (buckets.size() >= maxKeys) {
                evict(now);
            }
            bucket = buckets.computeIfAbsent(key, k -> new TokenBucket(limit, now));
        }
        return bucket.tryTake(now);
    }

    /** How many keys currently hold a bucket. */
    public int size() {
        return buckets.size();
    }

    private void evict(long now) {
        buckets.values().removeIf(b -> b.isFull(now));
        Iterator<Map.Entry<String, TokenBucket>> it = buckets.entrySet().iterator();
        while (buckets.size() >= maxKeys && it.hasNext()) {
            it.next();
            it.remove();
        }
    }
}
