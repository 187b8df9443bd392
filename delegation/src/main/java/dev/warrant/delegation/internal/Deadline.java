package dev.warrant.delegation.internal;

import org.biscuitsec.biscuit.error.Error;

import java.time.Duration;

/**
 * The library's wall-clock limit ({@code RunLimits.maxTime}), measured with {@code System.nanoTime} instead
 * of allocating an {@code Instant} per check. A duration too long for nanoseconds means no limit.
 */
final class Deadline {
    private final long start = System.nanoTime();
    private final long budget;

    Deadline(Duration maxTime) {
        long nanos;
        try {
            nanos = maxTime.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE;
        }
        this.budget = nanos;
    }

    /** Throws the library's Timeout once the budget is spent. */
    void check() throws Error.Timeout {
        if (System.nanoTime() - start >= budget) {
            throw new Error.Timeout();
        }
    }
}
