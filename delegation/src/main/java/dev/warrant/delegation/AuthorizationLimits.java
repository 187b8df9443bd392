package dev.warrant.delegation;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on one Datalog evaluation. Exceeding one is a deny ({@link DenyReason#LIMIT_EXCEEDED} or
 * {@link DenyReason#TIMEOUT}), never an allow.
 */
public record AuthorizationLimits(int maxFacts, int maxIterations, Duration maxTime) {
    public AuthorizationLimits {
        if (maxFacts < 1 || maxIterations < 1) {
            throw new IllegalArgumentException("maxFacts and maxIterations must be positive");
        }
        Objects.requireNonNull(maxTime, "maxTime");
        if (maxTime.isNegative() || maxTime.isZero()) {
            throw new IllegalArgumentException("maxTime must be positive");
        }
    }

    /**
     * 1000 facts, 100 iterations, 250 ms. The library's 5 ms wall-clock default (defect 5) fires spuriously on
     * a cold JVM, during GC pauses and under load, turning legitimate calls into denials. 50 ms was tried
     * first and still fired once on a cold JVM with 8 threads on 2 cores. A normal evaluation takes ~0.1 ms;
     * the fact and iteration limits, which are deterministic, do the real bounding, and the wall clock is
     * only the backstop against an expensive expression, so it can afford generous headroom.
     */
    public static AuthorizationLimits defaults() {
        return new AuthorizationLimits(1000, 100, Duration.ofMillis(250));
    }
}
