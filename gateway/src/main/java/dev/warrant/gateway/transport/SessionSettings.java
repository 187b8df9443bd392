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
 * @param keyRotation how often the cluster starts sealing new session ids under a new key
 * @param maxAge      how long a session id stays valid however busy its session: its key is retained this long
 *                    (rounded up to whole rotations, plus the current one); then the session ends everywhere and
 *                    the client starts a new one, as after an idle timeout
 */
public record SessionSettings(Duration idleTimeout, int max, int perGrant, Duration keyRotation, Duration maxAge) {

    public static final Duration DEFAULT_KEY_ROTATION = Duration.ofDays(1);
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);

    public SessionSettings(Duration idleTimeout, int max, int perGrant) {
        this(idleTimeout, max, perGrant, DEFAULT_KEY_ROTATION, DEFAULT_MAX_AGE);
    }

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
        if (keyRotation == null || keyRotation.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("sessions.keyRotation must be at least PT1S");
        }
        if (maxAge == null || maxAge.compareTo(keyRotation) < 0) {
            throw new IllegalArgumentException("sessions.maxAge must be at least sessions.keyRotation");
        }
    }

    /** Epochs of {@code keyRotation} whose keys still open an id: enough to cover {@code maxAge}, plus the current. */
    public int retainedKeys() {
        return (int) Math.min(10_000, (maxAge.toMillis() + keyRotation.toMillis() - 1) / keyRotation.toMillis() + 1);
    }

    public static SessionSettings defaults() {
        return new SessionSettings(DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX, DEFAULT_PER_GRANT);
    }
}
