package dev.warrant.policies.limits;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DenialWindowTest {

    private final ManualTicker ticker = new ManualTicker();
    private final DenialWindow window = new DenialWindow(new DriftThreshold(3, Duration.ofMinutes(1)), ticker, 100);

    @Test
    void theDenialPastTheThresholdTripsOnceThenCountingStartsAgain() {
        assertThat(window.deny("x")).isFalse();
        assertThat(window.deny("x")).isFalse();
        assertThat(window.deny("x")).isFalse();
        assertThat(window.deny("x")).as("fourth denial, maxDenials 3").isTrue();
        assertThat(window.count("x")).isZero();
        assertThat(window.deny("x")).isFalse();
    }

    @Test
    void denialsOutsideTheWindowDoNotCount() {
        window.deny("x");
        window.deny("x");
        window.deny("x");
        ticker.advance(Duration.ofSeconds(61));
        assertThat(window.count("x")).isZero();
        assertThat(window.deny("x")).isFalse();
        // Sliding, not fixed buckets: 3 spread over 50 s, then one 20 s later sees only the last 2 + itself.
        ticker.advance(Duration.ofSeconds(25));
        window.deny("x");
        ticker.advance(Duration.ofSeconds(25));
        window.deny("x");
        ticker.advance(Duration.ofSeconds(20));
        assertThat(window.count("x")).isEqualTo(2);
        assertThat(window.deny("x")).isFalse();
        assertThat(window.deny("x")).isTrue();
    }

    @Test
    void callersAreCountedApart() {
        for (int i = 0; i < 3; i++) {
            window.deny("a");
            window.deny("b");
        }
        assertThat(window.count("a")).isEqualTo(3);
        assertThat(window.deny("a")).isTrue();
        assertThat(window.count("b")).isEqualTo(3);
    }

    @Test
    void memoryIsBounded() {
        DenialWindow small = new DenialWindow(new DriftThreshold(2, Duration.ofSeconds(10)), ticker, 5);
        for (int i = 0; i < 500; i++) {
            small.deny("c" + i);
            assertThat(small.trackedCallers()).isLessThanOrEqualTo(5);
        }
    }

    @Test
    void nonsenseThresholdsAreRefused() {
        assertThatThrownBy(() -> new DriftThreshold(0, Duration.ofMinutes(1))).hasMessageContaining("maxDenials");
        assertThatThrownBy(() -> new DriftThreshold(1, Duration.ZERO)).hasMessageContaining("window");
    }
}
