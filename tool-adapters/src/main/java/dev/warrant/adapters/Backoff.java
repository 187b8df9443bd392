package dev.warrant.adapters;

import java.time.Duration;

/**
 * Restart delays for a supervised upstream: {@code initial}, doubling up to {@code max}. A connection that
 * stayed up for at least {@code healthy} resets the sequence, so a server that crashes once a day restarts
 * at once, while one that crashes at every start backs off to one attempt per {@code max}.
 *
 * <p>Not thread-safe: its supervisor touches it from one restart sequence at a time.
 */
final class Backoff {

    /** The settings every upstream uses; a template: take a {@link #copy()}, never advance it. */
    static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(60));

    private final Duration initial;
    private final Duration max;
    private final Duration healthy;
    private Duration next;

    Backoff(Duration initial, Duration max, Duration healthy) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max: " + initial + ", " + max);
        }
        this.initial = initial;
        this.max = max;
        this.healthy = healthy;
        this.next = initial;
    }

    /** A fresh sequence with the same settings (each upstream has its own). */
    Backoff copy() {
        return new Backoff(initial, max, healthy);
    }

    /** The connection that just ended had been up for {@code uptime}: long enough to forget past failures? */
    void connectionEnded(Duration uptime) {
        if (uptime.compareTo(healthy) >= 0) {
            next = initial;
        }
    }

    /** The delay before the next attempt; each call doubles the following one, up to {@code max}. */
    Duration nextDelay() {
        Duration delay = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return delay;
    }
}
