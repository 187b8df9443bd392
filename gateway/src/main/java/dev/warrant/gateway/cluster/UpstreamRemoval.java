package dev.warrant.gateway.cluster;

import java.io.Serializable;
import java.util.Objects;

/**
 * A tombstone: the registered upstream {@code name} was removed at {@code removedAtMillis}. Kept in the cluster
 * map {@value UpstreamDirectory#REMOVED_MAP_NAME} and in every member's journal for
 * {@link UpstreamDirectory#REMOVAL_TTL}, so that a full restart or a merge after a split brain can tell "removed
 * later" from "never seen" (see {@link UpstreamState} for the rule).
 *
 * @param name            the upstream name
 * @param removedAtMillis the removal's stamp: never earlier than the removed registration's own stamp
 * @param registrationId  the id of the registration it removed (for logs; also breaks ties between tombstones)
 */
public record UpstreamRemoval(String name, long removedAtMillis, String registrationId) implements Serializable {

    public UpstreamRemoval {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(registrationId, "registrationId");
    }

    /** The tombstone for removing {@code r} now: stamped no earlier than {@code r}, so it always covers it. */
    public static UpstreamRemoval of(UpstreamRegistration r, long nowMillis) {
        return new UpstreamRemoval(r.name(), Math.max(nowMillis, r.registeredAtMillis()), r.id());
    }
}
