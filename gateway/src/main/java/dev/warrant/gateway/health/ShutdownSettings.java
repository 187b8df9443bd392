package dev.warrant.gateway.health;

import dev.warrant.gateway.config.ConfigException;

import java.time.Duration;

/**
 * How a stopping member leaves (docs/ARCHITECTURE.md §5.6).
 *
 * @param drain how long it keeps serving after {@code /readyz} turned 503, so load balancers stop sending it
 *              requests before its port closes (0 where the platform removes it first, as Kubernetes does)
 * @param grace how long requests in flight may take to finish once the port stopped taking new ones; what is
 *              left then is cancelled
 */
public record ShutdownSettings(Duration drain, Duration grace) {

    public ShutdownSettings {
        if (drain == null || drain.isNegative() || drain.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new ConfigException("shutdown.drain must be between PT0S and PT5M");
        }
        if (grace == null || grace.isNegative() || grace.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new ConfigException("shutdown.grace must be between PT0S and PT5M");
        }
    }

    public static ShutdownSettings defaults() {
        return new ShutdownSettings(Duration.ZERO, Duration.ofSeconds(8));
    }
}
