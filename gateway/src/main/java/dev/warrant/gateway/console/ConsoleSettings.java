package dev.warrant.gateway.console;

import java.time.Duration;

/**
 * The operator console ({@code console:} in the config; docs/ARCHITECTURE.md §12).
 *
 * @param enabled     serve {@code /console/} at all (default true)
 * @param sessionTtl  a sign-in lasts at most this long, however active (default 8 h)
 * @param idleTimeout a sign-in unused this long ends (default 30 min)
 */
public record ConsoleSettings(boolean enabled, Duration sessionTtl, Duration idleTimeout) {

    public ConsoleSettings {
        if (sessionTtl == null || sessionTtl.isNegative() || sessionTtl.isZero()) {
            throw new IllegalArgumentException("console.sessionTtl must be positive");
        }
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("console.idleTimeout must be positive");
        }
    }

    public static ConsoleSettings defaults() {
        return new ConsoleSettings(true, Duration.ofHours(8), Duration.ofMinutes(30));
    }
}
