package dev.warrant.policies;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RiskTierTest {

    @Test
    void codesAreLowercase() {
        assertThat(RiskTier.LOW.code()).isEqualTo("low");
        assertThat(RiskTier.MEDIUM.code()).isEqualTo("medium");
        assertThat(RiskTier.HIGH.code()).isEqualTo("high");
    }

    @Test
    void parseIsCaseInsensitiveAndTrims() {
        assertThat(RiskTier.parse("low")).isEqualTo(RiskTier.LOW);
        assertThat(RiskTier.parse("Medium")).isEqualTo(RiskTier.MEDIUM);
        assertThat(RiskTier.parse(" HIGH ")).isEqualTo(RiskTier.HIGH);
        for (RiskTier t : RiskTier.values()) {
            assertThat(RiskTier.parse(t.code())).isEqualTo(t);
        }
    }

    @Test
    void parseRefusesUnknownTiersWithAClearMessage() {
        for (String bad : new String[] {"critical", "", "  ", "lo w", "hi"}) {
            assertThatThrownBy(() -> RiskTier.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("low, medium or high");
        }
        assertThatThrownBy(() -> RiskTier.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void annotationsDeriveTheTier() {
        assertThat(RiskTier.fromAnnotations(null)).isEqualTo(RiskTier.MEDIUM);
        assertThat(RiskTier.fromAnnotations(Map.of())).isEqualTo(RiskTier.MEDIUM);
        assertThat(RiskTier.fromAnnotations(Map.of("readOnlyHint", true))).isEqualTo(RiskTier.LOW);
        assertThat(RiskTier.fromAnnotations(Map.of("readOnlyHint", false))).isEqualTo(RiskTier.MEDIUM);
        assertThat(RiskTier.fromAnnotations(Map.of("destructiveHint", true))).isEqualTo(RiskTier.HIGH);
        assertThat(RiskTier.fromAnnotations(Map.of("openWorldHint", true))).isEqualTo(RiskTier.HIGH);
        assertThat(RiskTier.fromAnnotations(Map.of("destructiveHint", false, "openWorldHint", false)))
                .isEqualTo(RiskTier.MEDIUM);
        assertThat(RiskTier.fromAnnotations(Map.of("idempotentHint", true, "title", "x"))).isEqualTo(RiskTier.MEDIUM);
    }

    @Test
    void destructiveOrOpenWorldWinsOverReadOnly() {
        assertThat(RiskTier.fromAnnotations(Map.of("readOnlyHint", true, "destructiveHint", true))).isEqualTo(RiskTier.HIGH);
        assertThat(RiskTier.fromAnnotations(Map.of("readOnlyHint", true, "openWorldHint", true))).isEqualTo(RiskTier.HIGH);
    }

    @Test
    void onlyRealBooleansCount() {
        // A provider sending "true" as a string did not set the hint; a string "false" must not lower risk
        // and a string "true" on readOnlyHint must not either.
        assertThat(RiskTier.fromAnnotations(Map.of("readOnlyHint", "true"))).isEqualTo(RiskTier.MEDIUM);
        assertThat(RiskTier.fromAnnotations(Map.of("readOnlyHint", 1))).isEqualTo(RiskTier.MEDIUM);
        Map<String, Object> nulls = new HashMap<>();
        nulls.put("readOnlyHint", null);
        nulls.put("destructiveHint", null);
        assertThat(RiskTier.fromAnnotations(nulls)).isEqualTo(RiskTier.MEDIUM);
    }
}
