package dev.warrant.gateway.config;

import dev.warrant.policies.RiskTier;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * What each risk tier requires beyond the token's authority (docs/ARCHITECTURE.md §4.3), from the config's {@code risk:} section:
 * <pre>
 * risk:
 *   high: { freshAuthorization: PT10M, approval: true, approvalTimeout: PT5M }
 * </pre>
 * Defaults: every tier proceeds under the token alone; a tier gets extra rules only when configured, so an
 * empty section changes nothing.
 */
public record RiskRules(Map<RiskTier, Rule> tiers) {

    /**
     * @param freshAuthorization the token must have been minted at most this long ago
     * @param approval           a human must approve each call (it is held meanwhile)
     * @param approvalTimeout    how long a held call waits before it is denied
     */
    public record Rule(Optional<Duration> freshAuthorization, boolean approval, Duration approvalTimeout) {
        public static final Duration DEFAULT_APPROVAL_TIMEOUT = Duration.ofMinutes(5);
        public static final Rule NONE = new Rule(Optional.empty(), false, DEFAULT_APPROVAL_TIMEOUT);

        public Rule {
            freshAuthorization = freshAuthorization == null ? Optional.empty() : freshAuthorization;
            approvalTimeout = approvalTimeout == null ? DEFAULT_APPROVAL_TIMEOUT : approvalTimeout;
            if (freshAuthorization.isPresent() && (freshAuthorization.get().isNegative() || freshAuthorization.get().isZero())) {
                throw new ConfigException("freshAuthorization must be positive");
            }
            if (approvalTimeout.isNegative() || approvalTimeout.isZero()) {
                throw new ConfigException("approvalTimeout must be positive");
            }
        }
    }

    public static final RiskRules NONE = new RiskRules(Map.of());

    public RiskRules {
        tiers = tiers == null || tiers.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(tiers));
    }

    public Rule rule(RiskTier tier) {
        return tiers.getOrDefault(tier, Rule.NONE);
    }
}
