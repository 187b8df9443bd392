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
}
