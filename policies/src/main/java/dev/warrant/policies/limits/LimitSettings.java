package dev.warrant.policies.limits;

import java.util.Optional;

/**
 * Rate limits and drift containment. Empty means off.
 *
 * @param perCaller one bucket per caller (the token's last delegatee), for every request but {@code ping}
 * @param perTool   one bucket per tool across all callers, for {@code tools/call} (protects the upstream)
 * @param drift     quarantine a caller whose denials pass this threshold
 * @param scope     what the rates mean across members ({@link LimitScope}; default divided)
 */
public record LimitSettings(Optional<RateLimit> perCaller, Optional<RateLimit> perTool,
                            Optional<DriftThreshold> drift, LimitScope scope) {

    /** Per caller 50/s with bursts of 100 (generous for agents, stops a runaway loop); per tool and drift off. */
    public static final RateLimit DEFAULT_PER_CALLER = new RateLimit(50, 100);

    public LimitSettings {
        perCaller = perCaller == null ? Optional.empty() : perCaller;
        perTool = perTool == null ? Optional.empty() : perTool;
        drift = drift == null ? Optional.empty() : drift;
        scope = scope == null ? LimitScope.DIVIDED : scope;
    }

    public LimitSettings(Optional<RateLimit> perCaller, Optional<RateLimit> perTool, Optional<DriftThreshold> drift) {
        this(perCaller, perTool, drift, LimitScope.DIVIDED);
    }

    public static LimitSettings defaults() {
        return new LimitSettings(Optional.of(DEFAULT_PER_CALLER), Optional.empty(), Optional.empty());
    }

    public LimitSettings withPerCaller(RateLimit limit) {
        return new LimitSettings(Optional.ofNullable(limit), perTool, drift, scope);
    }

    public LimitSettings withPerTool(RateLimit limit) {
        return new LimitSettings(perCaller, Optional.ofNullable(limit), drift, scope);
    }

    public LimitSettings withDrift(DriftThreshold threshold) {
        return new LimitSettings(perCaller, perTool, Optional.ofNullable(threshold), scope);
    }

    public LimitSettings withScope(LimitScope newScope) {
        return new LimitSettings(perCaller, perTool, drift, newScope);
    }
}
