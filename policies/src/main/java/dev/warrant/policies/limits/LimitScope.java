package dev.warrant.policies.limits;

/**
 * What a configured rate means when several members serve (docs/ARCHITECTURE.md §4.4).
 *
 * <ul>
 *   <li>{@code MEMBER}: each member allows the whole rate, so N members allow N times it.</li>
 *   <li>{@code DIVIDED} (the default): each member allows its share, the rate divided by the members it sees.
 *   The cluster never allows more than the rate; behind a balancer that spreads a caller's calls evenly it allows
 *   about the rate; a caller pinned to one member gets that member's share. No network on the request path.</li>
 *   <li>{@code CLUSTER}: one bucket per key for the whole cluster, in Hazelcast: exact, at the cost of a round trip
 *   to the key's partition owner on every call. If the cluster cannot answer, the member's share applies.</li>
 * </ul>
 */
public enum LimitScope {
    MEMBER, DIVIDED, CLUSTER;

    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** @return the scope named {@code value} (member, divided or cluster) */
    public static LimitScope parse(String value) {
        for (LimitScope scope : values()) {
            if (scope.code().equals(value)) {
                return scope;
            }
        }
        throw new IllegalArgumentException("must be member, divided or cluster");
    }

    /** This member's share of {@code limit} when {@code members} serve, for DIVIDED (never below one call). */
    public static RateLimit share(RateLimit limit, int members) {
        int n = Math.max(1, members);
        return new RateLimit(limit.ratePerSecond() / n, Math.max(1, limit.burst() / n));
    }
}
