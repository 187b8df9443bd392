package dev.warrant.gateway.limit;

import dev.warrant.policies.limits.RateLimit;
import io.vertx.core.Future;

/** One rate limit (per caller, or per tool) in its scope: {@link LocalLimit} or {@link ClusterLimit}. */
interface KeyedLimit {

    /** The limit as configured (for the refusal's message). */
    RateLimit limit();

    /**
     * Takes one call for {@code key}.
     *
     * @return 0 when the call may proceed, else nanoseconds until {@code key} may call again; completed at once
     *     except in cluster scope
     */
    Future<Long> tryAcquire(String key);
}
