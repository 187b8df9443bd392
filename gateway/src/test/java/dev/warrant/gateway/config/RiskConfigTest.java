package dev.warrant.gateway.config;

import dev.warrant.policies.RiskTier;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code risk:} section: what each tier needs beyond the token (fresh authorization, human approval). */
class RiskConfigTest {

    private static GatewayConfig parse(String risk) {
        return ConfigLoaderTest.parse(ConfigLoaderTest.KEYS + risk);
    }

    @Test
    void withoutTheSectionEveryTierProceedsUnderTheToken() {
        RiskRules rules = parse("").risk();
        for (RiskTier tier : RiskTier.values()) {
            assertThat(rules.rule(tier)).isEqualTo(RiskRules.Rule.NONE);
        }
    }

    @Test
    void aTierGetsFreshnessApprovalAndTimeout() {
        RiskRules rules = parse("risk: { high: { freshAuthorization: PT10M, approval: true, approvalTimeout: PT2M } }\n").risk();
        assertThat(rules.rule(RiskTier.HIGH)).isEqualTo(
                new RiskRules.Rule(Optional.of(Duration.ofMinutes(10)), true, Duration.ofMinutes(2)));
        assertThat(rules.rule(RiskTier.MEDIUM)).isEqualTo(RiskRules.Rule.NONE);
        assertThat(parse("risk: { medium: { approval: true } }\n").risk().rule(RiskTier.MEDIUM).approvalTimeout())
                .isEqualTo(RiskRules.Rule.DEFAULT_APPROVAL_TIMEOUT);
    }

    @Test
    void mistakesNameTheSetting() {
        assertThatThrownBy(() -> parse("risk: { extreme: { approval: true } }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("risk.extreme");
        assertThatThrownBy(() -> parse("risk: { high: { approval: yes please } }\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("risk.high.approval");
        assertThatThrownBy(() -> parse("risk: { high: { freshAuthorization: 10m } }\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("risk.high.freshAuthorization");
        assertThatThrownBy(() -> parse("risk: { high: { approvalTimeout: PT0S, approval: true } }\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("risk.high: approvalTimeout");
        assertThatThrownBy(() -> parse("risk: { high: { aproval: true } }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("risk.high.aproval");
    }
}
