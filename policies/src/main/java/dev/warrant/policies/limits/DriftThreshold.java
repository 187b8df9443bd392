package dev.warrant.policies.limits;

import java.time.Duration;

/**
 * When a caller counts as drifting: more than {@code maxDenials} denials within {@code window}.
 */
public record DriftThreshold(int maxDenials, Duration window) {

    public DriftThreshold {
        if (maxDenials < 1) {
            throw new IllegalArgumentException("maxDenials must be at least 1");
        }
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive");
        }
    }

    /**
     * This member's share when {@code members} serve (the divided scope): the denials divided among them, never
     * below one. Rounded down, so a caller spread evenly is quarantined at about the threshold, never far past it.
     */
    public DriftThreshold share(int members) {
        return new DriftThreshold(Math.max(1, maxDenials / Math.max(1, members)), window);
    }
}
