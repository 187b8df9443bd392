package dev.warrant.policies.limits;

/**
 * One token bucket. Refill is computed lazily from the elapsed ticker time on each take, so an idle bucket
 * costs nothing.
 *
 * <p>Concurrency: {@link #tryTake} and {@link #isFull} synchronize on the bucket; one bucket is shared only by
 * the calls of one key, so contention is per caller (or per tool), never global.
 */
public final class TokenBucket {

    private final RateLimit limit;
    private final double nanosPerToken;
    private double tokens;
    private long lastNanos;

    public TokenBucket(RateLimit limit, long nowNanos) {
        this.limit = limit;
        this.nanosPerToken = 1e9 / limit.ratePerSecond();
        this.tokens = limit.burst();
        this.lastNanos = nowNanos;
    }

    /**
     * Takes one token if there is one.
     *
     * @return 0 when taken; otherwise how many nanoseconds until one is available (the caller's retry hint)
     */
    public synchronized long tryTake(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) * nanosPerToken));
    }

    /** A full bucket behaves exactly like a fresh one, so dropping it from a map loses nothing. */
    public synchronized boolean isFull(long nowNanos) {
        refill(nowNanos);
        return tokens >= limit.burst();
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(limit.burst(), tokens + elapsed / nanosPerToken);
            lastNanos = nowNanos;
        }
    }
}
