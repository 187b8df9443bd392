package dev.warrant.gateway.limit;

import dev.warrant.policies.limits.LimitScope;
import dev.warrant.policies.limits.RateLimit;
import dev.warrant.policies.limits.RateLimiter;
import dev.warrant.policies.limits.Ticker;
import io.vertx.core.Future;

import java.util.function.IntSupplier;

/**
 * A limit this member counts alone: the whole rate ({@link LimitScope#MEMBER}), or its share of it, the rate
 * divided by the members it sees ({@link LimitScope#DIVIDED}). When the membership changes the buckets start
 * again at the new share (a caller may get one fresh burst then). Never leaves the event loop.
 */
final class LocalLimit implements KeyedLimit {

    private static final Future<Long> PROCEED = Future.succeededFuture(0L);

    private final RateLimit limit;
    private final IntSupplier members;
    private final Ticker ticker;
    private final int maxKeys;
    private volatile Share share;

    /** The buckets for one share, and how many members it was cut for. */
    private record Share(int members, RateLimiter limiter) {
    }

    /** @param members how many members share the rate; {@code () -> 1} for the whole rate per member */
    LocalLimit(RateLimit limit, IntSupplier members, Ticker ticker, int maxKeys) {
        this.limit = limit;
        this.members = members;
        this.ticker = ticker;
        this.maxKeys = maxKeys;
        this.share = cut(members.getAsInt());
    }

    @Override
    public RateLimit limit() {
        return limit;
    }

    @Override
    public Future<Long> tryAcquire(String key) {
        long wait = acquireNow(key);
        return wait == 0 ? PROCEED : Future.succeededFuture(wait);
    }

    /** The same as {@link #tryAcquire}, without a future. */
    long acquireNow(String key) {
        int n = Math.max(1, members.getAsInt());
        Share current = share;
        if (current.members() != n) {
            current = cut(n);
            share = current;
        }
        return current.limiter().tryAcquire(key);
    }

    private Share cut(int n) {
        return new Share(Math.max(1, n), new RateLimiter(LimitScope.share(limit, n), ticker, maxKeys));
    }
}
