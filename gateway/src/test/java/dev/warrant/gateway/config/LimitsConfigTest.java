package dev.warrant.gateway.config;

import dev.warrant.policies.limits.DriftThreshold;
import dev.warrant.policies.limits.LimitSettings;
import dev.warrant.policies.limits.RateLimit;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code limits:} section: rate limits per caller and per tool, drift containment. */
class LimitsConfigTest {

    private static GatewayConfig parse(String limits) {
        return ConfigLoaderTest.parse(ConfigLoaderTest.KEYS + limits);
    }

    @Test
    void defaultsLimitEachCallerAndLeaveToolsAndDriftOff() {
        LimitSettings limits = parse("").limits();
        assertThat(limits.perCaller()).contains(new RateLimit(50, 100));
        assertThat(limits.perTool()).isEmpty();
        assertThat(limits.drift()).isEmpty();
        assertThat(parse("limits: { maxBodyBytes: 2048 }\n").limits()).isEqualTo(LimitSettings.defaults());
    }

    @Test
    void everyPartCanBeSet() {
        LimitSettings limits = parse("""
                limits:
                  perCaller: { ratePerSecond: 0.5, burst: 3 }
                  perTool: { ratePerSecond: 200, burst: 400 }
                  drift: { maxDenials: 20, window: PT1M }
                """).limits();
        assertThat(limits.perCaller()).contains(new RateLimit(0.5, 3));
        assertThat(limits.perTool()).contains(new RateLimit(200, 400));
        assertThat(limits.drift()).contains(new DriftThreshold(20, Duration.ofMinutes(1)));
    }

    @Test
    void falseTurnsTheCallerLimitOff() {
        assertThat(parse("limits: { perCaller: false }\n").limits().perCaller()).isEqualTo(Optional.empty());
    }

    @Test
    void mistakesNameTheSetting() {
        assertThatThrownBy(() -> parse("limits: { perCaller: { ratePerSecond: 0, burst: 1 } }\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("limits.perCaller: ratePerSecond");
        assertThatThrownBy(() -> parse("limits: { perTool: { ratePerSecond: 5 } }\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("limits.perTool.burst");
        assertThatThrownBy(() -> parse("limits: { perCaller: { rate: 5, burst: 1 } }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("limits.perCaller.rate");
        assertThatThrownBy(() -> parse("limits: { perCaller: true }\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("limits.perCaller:");
        assertThatThrownBy(() -> parse("limits: { drift: { maxDenials: 5 } }\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("limits.drift");
        assertThatThrownBy(() -> parse("limits: { drift: { maxDenials: 0, window: PT1M } }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("maxDenials");
    }
}
