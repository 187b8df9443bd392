package dev.warrant.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.warrant.delegation.VerifiedToken;

import java.time.Clock;
import java.time.Duration;

/**
 * Tokens whose signatures and chain were already checked, so later calls pay only authorization and the
 * revocation lookup (docs/ARCHITECTURE.md §10). Bounded; an entry never outlives its token's {@code expires}. Revocation
 * is NOT cached here: it is checked on every call.
 */
public final class VerifiedTokenCache {

    private final Cache<TokenDigest, VerifiedToken> cache;

    public VerifiedTokenCache(long maximumSize, Duration maximumAge, Clock clock) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .ticker(Ticker.systemTicker())
                .expireAfter(new Expiry<TokenDigest, VerifiedToken>() {
                    @Override
                    public long expireAfterCreate(TokenDigest key, VerifiedToken token, long currentTime) {
                        long untilExpiry = Duration.between(clock.instant(), token.expiresAt()).toNanos();
                        return Math.max(0, Math.min(untilExpiry, maximumAge.toNanos()));
                    }

                    @Override
                    public long expireAfterUpdate(TokenDigest key, VerifiedToken token, long currentTime, long currentDuration) {
                        return expireAfterCreate(key, token, currentTime);
                    }

                    @Override
                    public long expireAfterRead(TokenDigest key, VerifiedToken token, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    public VerifiedToken get(TokenDigest digest) {
        return cache.getIfPresent(digest);
    }

    public void put(TokenDigest digest, VerifiedToken token) {
        cache.put(digest, token);
    }

    /** Up to {@code max} cached tokens that {@code which} matches (what a revocation would reach; no entry changes). */
    public java.util.List<VerifiedToken> matching(java.util.function.Predicate<VerifiedToken> which, int max) {
        return cache.asMap().values().stream().filter(which).limit(max).toList();
    }

    /** Runs pending evictions now (Caffeine evicts asynchronously); for tests and metrics. */
    public void cleanUp() {
        cache.cleanUp();
    }

    public long estimatedSize() {
        return cache.estimatedSize();
    }
}
