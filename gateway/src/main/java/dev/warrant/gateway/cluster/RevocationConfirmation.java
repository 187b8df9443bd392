package dev.warrant.gateway.cluster;

import java.time.Instant;
import java.util.List;

/**
 * What {@link ClusterRevocations#revoke} promises once it returns: these members confirmed that they deny, the
 * last of them by {@code confirmedAt} (the moment the revoking member had every answer).
 *
 * @param confirmedBy the members that confirmed, this one first
 * @param live        how many members were live when the last confirmation arrived (one that left owes none)
 */
public record RevocationConfirmation(List<Member> confirmedBy, int live, Instant confirmedAt) {

    /** A member by its Hazelcast id and cluster address. */
    public record Member(String id, String address) {
    }

    public RevocationConfirmation {
        confirmedBy = List.copyOf(confirmedBy);
    }
}
