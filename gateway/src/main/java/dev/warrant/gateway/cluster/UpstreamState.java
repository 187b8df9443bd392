package dev.warrant.gateway.cluster;

import java.util.Optional;

/**
 * What is known about one upstream name: the newest registration and the newest removal (tombstone) seen, each
 * possibly absent. The last-writer-wins rule, used by every member, on start and after a split brain:
 * <ul>
 *   <li>Registrations are ordered by (registeredAtMillis, id); removals by (removedAtMillis, registrationId).</li>
 *   <li>A registration is in force iff it is strictly newer than the tombstone: registeredAtMillis &gt;
 *       removedAtMillis. Equal stamps: the removal wins (only concurrent writes on two sides of a split can tie,
 *       and then keeping it removed is the safe choice).</li>
 *   <li>Unknown names have neither and nothing is in force.</li>
 * </ul>
 * Merging two states keeps the newer of each part, so it is commutative, associative and idempotent: members
 * and journals can be merged in any order, any number of times, with the same result.
 *
 * <p>Clock assumptions: stamps are wall-clock milliseconds and members' clocks agree within seconds. The
 * directory never depends on that for the outcome of one admin call: a removal is stamped no earlier than the
 * registration it removes, and a (re-)registration strictly after the name's current registration and
 * tombstone (max(now, previous + 1, tombstone + 1)), whatever this member's clock says. Skew only matters
 * between writes made on two sides of a split brain: the one with the larger stamp wins.
 */
public record UpstreamState(UpstreamRegistration registration, UpstreamRemoval removal) {

    public static final UpstreamState UNKNOWN = new UpstreamState(null, null);

    /** The registration in force, if any. */
    public Optional<UpstreamRegistration> inForce() {
        return registration != null && !covers(removal, registration) ? Optional.of(registration) : Optional.empty();
    }

    /** This state with {@code r} merged in (unchanged when it is not newer than the registration held). */
    public UpstreamState with(UpstreamRegistration r) {
        return newer(r, registration) ? new UpstreamState(r, removal) : this;
    }

    /** This state with {@code t} merged in (unchanged when it is not newer than the tombstone held). */
    public UpstreamState with(UpstreamRemoval t) {
        return newer(t, removal) ? new UpstreamState(registration, t) : this;
    }

    public UpstreamState merge(UpstreamState other) {
        UpstreamState s = this;
        if (other.registration != null) {
            s = s.with(other.registration);
        }
        if (other.removal != null) {
            s = s.with(other.removal);
        }
        return s;
    }

    /** The smallest stamp a new registration of this name must have to be in force after everything here. */
    public long nextStamp(long nowMillis) {
        long next = nowMillis;
        if (registration != null) {
            next = Math.max(next, registration.registeredAtMillis() + 1);
        }
        if (removal != null) {
            next = Math.max(next, removal.removedAtMillis() + 1);
        }
        return next;
    }

    /** Whether the tombstone removes the registration (ties: the removal wins). */
    public static boolean covers(UpstreamRemoval t, UpstreamRegistration r) {
        return t != null && r != null && t.removedAtMillis() >= r.registeredAtMillis();
    }

    /** Whether {@code a} is strictly newer than {@code b} (anything is newer than nothing). */
    public static boolean newer(UpstreamRegistration a, UpstreamRegistration b) {
        if (b == null) {
            return a != null;
        }
        if (a == null || a.registeredAtMillis() != b.registeredAtMillis()) {
            return a != null && a.registeredAtMillis() > b.registeredAtMillis();
        }
        return a.id().compareTo(b.id()) > 0;
    }

    /** Whether {@code a} is strictly newer than {@code b} (anything is newer than nothing). */
    public static boolean newer(UpstreamRemoval a, UpstreamRemoval b) {
        if (b == null) {
            return a != null;
        }
        if (a == null || a.removedAtMillis() != b.removedAtMillis()) {
            return a != null && a.removedAtMillis() > b.removedAtMillis();
        }
        return a.registrationId().compareTo(b.registrationId()) > 0;
    }
}
