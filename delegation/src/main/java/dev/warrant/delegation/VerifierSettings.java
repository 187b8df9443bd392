package dev.warrant.delegation;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits the {@link Verifier} enforces beyond signatures.
 *
 * @param maxTokenBytes maximum length of the base64url token text, checked before decoding (default 16384)
 * @param maxDepth      maximum number of delegation hops (default 8)
 * @param maxTtl        maximum remaining lifetime, expires - now (default 24 h)
 */
public record VerifierSettings(int maxTokenBytes, int maxDepth, Duration maxTtl) {
    public VerifierSettings {
        if (maxTokenBytes < 64) {
            throw new IllegalArgumentException("maxTokenBytes must be at least 64");
        }
        if (maxDepth < 0) {
            throw new IllegalArgumentException("maxDepth must not be negative");
        }
        Objects.requireNonNull(maxTtl, "maxTtl");
        if (maxTtl.isNegative() || maxTtl.isZero()) {
            throw new IllegalArgumentException("maxTtl must be positive");
        }
    }

    public static VerifierSettings defaults() {
        return new VerifierSettings(16384, 8, Duration.ofHours(24));
    }
}
