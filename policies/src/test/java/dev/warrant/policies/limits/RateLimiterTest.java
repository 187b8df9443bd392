package dev.warrant.policies.limits;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RateLimiterTest {

    private final ManualTicker ticker = new ManualTicker();

    @Test
    void aBucketAllowsItsBurstThenRefillsAtTheRate() {
        TokenBucket bucket = new TokenBucket(new RateLimit(2, 3), ticker.read());
        for (int i = 0; i < 3; i++) {
            assertThat(bucket.tryTake(ticker.read())).as("call %d of the burst", i).isZero();
        }
        // Empty: one token comes back after 1/rate = 500 ms, and the hint says so.
        assertThat(bucket.tryTake(ticker.read())).isEqualTo(Duration.ofMillis(500).toNanos());
        ticker.advance(Duration.ofMillis(499));
        // (refill is computed in floating point: allow a nanosecond of rounding)
        assertThat(bucket.tryTake(ticker.read())).isCloseTo(Duration.ofMillis(1).toNanos(), within(2L));
        ticker.advance(Duration.ofMillis(1));
        assertThat(bucket.tryTake(ticker.read())).isZero();
        assertThat(bucket.tryTake(ticker.read())).isPositive();
    }

    @Test
    void refillNeverExceedsTheBurst() {
        TokenBucket bucket = new TokenBucket(new RateLimit(100, 2), ticker.read());
        ticker.advance(Duration.ofHours(1));
        assertThat(bucket.tryTake(ticker.read())).isZero();
        assertThat(bucket.tryTake(ticker.read())).isZero();
        assertThat(bucket.tryTake(ticker.read())).isPositive();
        assertThat(bucket.isFull(ticker.read())).isFalse();
        ticker.advance(Duration.ofMillis(20));
        assertThat(bucket.isFull(ticker.read())).isTrue();
    }

    @Test
    void fractionalRatesWork() {
        TokenBucket bucket = new TokenBucket(new RateLimit(0.5, 1), ticker.read());
        assertThat(bucket.tryTake(ticker.read())).isZero();
        assertThat(bucket.tryTake(ticker.read())).isEqualTo(Duration.ofSeconds(2).toNanos());
        ticker.advance(Duration.ofSeconds(2));
        assertThat(bucket.tryTake(ticker.read())).isZero();
    }

    @Test
    void keysHaveTheirOwnBuckets() {
        RateLimiter limiter = new RateLimiter(new RateLimit(1, 2), ticker, 100);
        assertThat(limiter.tryAcquire("a")).isZero();
        assertThat(limiter.tryAcquire("a")).isZero();
        assertThat(limiter.tryAcquire("a")).isPositive();
        assertThat(limiter.tryAcquire("b")).as("another key is unaffected").isZero();
        ticker.advance(Duration.ofSeconds(1));
        assertThat(limiter.tryAcquire("a")).isZero();
    }

    @Test
    void memoryIsBoundedAndFullBucketsGoFirst() {
        RateLimiter limiter = new RateLimiter(new RateLimit(1, 1), ticker, 10);
        limiter.tryAcquire("busy");
        for (int i = 0; i < 1_000; i++) {
            limiter.tryAcquire("k" + i);
            assertThat(limiter.size()).isLessThanOrEqualTo(10);
        }
        // Every bucket refills; a new key then evicts only full buckets and the drained one stays drained.
        ticker.advance(Duration.ofSeconds(5));
        limiter.tryAcquire("busy");
        limiter.tryAcquire("new");
        assertThat(limiter.size()).isLessThanOrEqualTo(10);
        assertThat(limiter.tryAcquire("busy")).as("its bucket survived the eviction").isPositive();
    }

    @Test
    void nonsenseSettingsAreRefused() {
        assertThatThrownBy(() -> new RateLimit(0, 1)).hasMessageContaining("ratePerSecond");
        assertThatThrownBy(() -> new RateLimit(Double.NaN, 1)).hasMessageContaining("ratePerSecond");
        assertThatThrownBy(() -> new RateLimit(1, 0)).hasMessageContaining("burst");
    }
}
