package dev.warrant.gateway.limit;

import com.hazelcast.core.HazelcastInstance;
import dev.warrant.policies.limits.DenialWindow;
import dev.warrant.policies.limits.DriftThreshold;
import dev.warrant.policies.limits.LimitScope;
import dev.warrant.policies.limits.Ticker;
import io.vertx.core.Future;

import java.util.function.IntSupplier;

/**
 * Counts a caller's denials for drift containment, with the same meaning across members as the rate limits
 * ({@link LimitScope}, docs/ARCHITECTURE.md §11.7).
 */
public interface DenialCounter {

    /** Callers tracked per member; beyond it, callers with no denial inside the window are dropped first. */
    int MAX_CALLERS = 100_000;

    DriftThreshold threshold();

    /** Records one denial; true exactly when it takes the caller over the threshold (its count then restarts). */
    Future<Boolean> deny(String caller);

    /**
     * @param members   how many members the cluster has now (for the divided scope)
     * @param hazelcast where cluster-scope windows live; null only when the scope is not {@code cluster}
     */
    static DenialCounter of(LimitScope scope, DriftThreshold threshold, Ticker ticker, IntSupplier members,
                            HazelcastInstance hazelcast) {
        LocalDenials share = new LocalDenials(new DenialWindow(threshold, ticker, MAX_CALLERS), members);
        return switch (scope) {
            case MEMBER -> new LocalDenials(new DenialWindow(threshold, ticker, MAX_CALLERS), () -> 1);
            case DIVIDED -> share;
            case CLUSTER -> hazelcast == null ? share : new ClusterDenials(hazelcast, threshold, share);
        };
    }
}
