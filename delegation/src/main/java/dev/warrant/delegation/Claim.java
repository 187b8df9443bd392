package dev.warrant.delegation;

import java.util.Objects;

/**
 * One value of a verified JWT claim, as the mapping sees it: {@code claim(name, value)} with a string, integer or
 * boolean value. An array claim is one Claim per element; the {@code scope} string one per scope.
 */
public record Claim(String name, Object value) {

    public Claim {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (!(value instanceof String || value instanceof Long || value instanceof Boolean)) {
            throw new IllegalArgumentException("a claim value is a string, a long or a boolean");
        }
    }
}
