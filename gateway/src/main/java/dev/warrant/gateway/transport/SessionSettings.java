package dev.warrant.gateway.transport;

import java.time.Duration;

/**
 * Bounds of the session table ({@code sessions:} in the config).
 *
 * @param idleTimeout a session unused this long is gone (404, the client starts over)
 * @param max         sessions on this member, all grants together
 * @param perGrant    sessions one grant (a minted token and everything delegated from it) may hold; keyed on
 *                    the authority block, which an agent cannot forge, not on the caller's name, which any
 *                    holder can choose by attenuating offline
 */
public record SessionSettings(Duration idleTimeout, int max, int perGrant) {

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);
    public static final int DEFAULT_MAX = 10_000;
    /** Room for a fan-out of a few hundred concurrent sub-agents under one minted token. */
    public static final int DEFAULT_PER_GRANT = 256;

    public SessionSettings {
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("sessions.idleTimeout must be positive");
        }
        if (max < 1) {
            throw new IllegalArgumentException("sessions.max must be at least 1");
        }
        if (perGrant < 1 || perGrant > max) {
            throw new IllegalArgumentException("sessions.perGrant must be 1..sessions.max");
        }
    }

    public static SessionSettings defaults() {
        return new SessionSettings(DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX, DEFAULT_PER_GRANT);
    }
}
