package dev.warrant.adapters;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How an upstream connection is doing, for operators: connected, down and restarting, or closed for good; and the
 * last reason it went down with its time (kept after a successful restart, so a flapping upstream is visible).
 *
 * @param lastError   why the connection last ended or a restart last failed, as the adapter reports it
 * @param lastErrorAt when that happened
 */
public record UpstreamHealth(State state, Optional<String> lastError, Optional<Instant> lastErrorAt) {

    public enum State { CONNECTED, RESTARTING, FAILED }

    public UpstreamHealth {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(lastErrorAt, "lastErrorAt");
    }

    /** Open or not, with no history (a connection that is not supervised). */
    public static UpstreamHealth of(boolean open) {
        return new UpstreamHealth(open ? State.CONNECTED : State.FAILED, Optional.empty(), Optional.empty());
    }
}
