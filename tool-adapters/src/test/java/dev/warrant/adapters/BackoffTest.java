package dev.warrant.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void defaultDoublesFromHalfASecondToThirtySeconds() {
        Backoff backoff = Backoff.DEFAULT.copy();
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            delays.add(backoff.nextDelay().toMillis());
        }
        assertThat(delays).containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L);
    }

    @Test
    void aHealthyConnectionResetsTheSequenceAShortOneDoesNot() {
        Backoff backoff = Backoff.DEFAULT.copy();
        backoff.nextDelay();
        backoff.nextDelay();
        backoff.connectionEnded(Duration.ofSeconds(5));
        assertThat(backoff.nextDelay()).isEqualTo(Duration.ofSeconds(2));
        backoff.connectionEnded(Duration.ofMinutes(1));
        assertThat(backoff.nextDelay()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void copiesAreIndependent() {
        Backoff a = Backoff.DEFAULT.copy();
        a.nextDelay();
        assertThat(Backoff.DEFAULT.copy().nextDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(a.nextDelay()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void rejectsContradictorySettings() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
