package dev.warrant.gateway.approval;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How many calls one grant (a minted token and everything delegated from it) may have waiting for a human on
 * this member. Without it one token could bury the approvers' queue, and every other agent's held call in it.
 *
 * <p>Concurrency: per-grant counts change atomically in a concurrent map; safe from any event loop.
 */
public final class HeldCallQuota {

    /** Far more held calls than a human approves at once; each also holds an open request. */
    public static final int DEFAULT_PER_GRANT = 32;

    private final int perGrant;
    private final ConcurrentHashMap<String, Integer> held = new ConcurrentHashMap<>();

    public HeldCallQuota(int perGrant) {
        if (perGrant < 1) {
            throw new IllegalArgumentException("perGrant must be at least 1");
        }
        this.perGrant = perGrant;
    }

    /** Takes a slot for {@code grant}, or refuses with approval_limit when it holds its quota. */
    public void acquire(String grant) {
        boolean[] taken = {false};
        held.compute(grant, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= perGrant) {
                return n;
            }
            taken[0] = true;
            return count + 1;
        });
        if (!taken[0]) {
            throw WarrantException.of(Reason.APPROVAL_LIMIT, "this token's grant already has " + perGrant
                    + " calls waiting for approval on this member");
        }
    }

    public void release(String grant) {
        held.computeIfPresent(grant, (k, n) -> n <= 1 ? null : n - 1);
    }

    public int heldBy(String grant) {
        return held.getOrDefault(grant, 0);
    }
}
