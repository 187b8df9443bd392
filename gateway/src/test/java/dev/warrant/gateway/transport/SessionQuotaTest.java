package dev.warrant.gateway.transport;

import io.vertx.core.json.JsonObject;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One grant's sessions cannot crowd out another's: a per-grant quota under the member-wide cap. */
class SessionQuotaTest {

    private final ManualClock clock = new ManualClock();

    @Test
    void anOpenedSessionIsInvisibleUntilAdmitted() {
        SessionRegistry sessions = new SessionRegistry(clock, new SessionSettings(Duration.ofHours(1), 10, 5));
        Session opened = sessions.open("root-a", "planner", "2025-11-25", new JsonObject());
        assertThat(sessions.peek(opened.id())).isNull();
        assertThat(sessions.size()).isZero();
        sessions.admit(opened);
        assertThat(sessions.peek(opened.id())).isSameAs(opened);
        assertThat(sessions.heldBy("root-a")).isEqualTo(1);
    }

    @Test
    void aGrantAtItsQuotaIsRefusedAndOthersAreNot() {
        SessionRegistry sessions = new SessionRegistry(clock, new SessionSettings(Duration.ofHours(1), 100, 3));
        for (int i = 0; i < 3; i++) {
            sessions.create("root-a", "planner", "2025-11-25");
        }
        assertThatThrownBy(() -> sessions.open("root-a", "planner", "2025-11-25", new JsonObject()))
                .isInstanceOfSatisfying(WarrantException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SESSION_LIMIT));
        // Another name under the same grant (an offline attenuation) counts against the same quota.
        assertThatThrownBy(() -> sessions.open("root-a", "sub-agent-7", "2025-11-25", new JsonObject()))
                .isInstanceOf(WarrantException.class);
        assertThat(sessions.create("root-b", "researcher", "2025-11-25").isClosed()).isFalse();
    }

    @Test
    void endingASessionGivesItsSlotBack() {
        SessionRegistry sessions = new SessionRegistry(clock, new SessionSettings(Duration.ofHours(1), 100, 1));
        Session first = sessions.create("root-a", "planner", "2025-11-25");
        sessions.remove(first);
        assertThat(sessions.heldBy("root-a")).isZero();
        assertThat(sessions.create("root-a", "planner", "2025-11-25").isClosed()).isFalse();
    }

    @Test
    void aFullTableEndsTheLargestGrantsOldestSessionForSomeoneUnderQuota() {
        SessionRegistry sessions = new SessionRegistry(clock, new SessionSettings(Duration.ofHours(1), 4, 4));
        List<Session> flood = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofSeconds(1));
            flood.add(sessions.create("root-flood", "planner", "2025-11-25"));
        }
        Session newcomer = sessions.create("root-b", "researcher", "2025-11-25");

        assertThat(sessions.size()).isEqualTo(4);
        assertThat(flood.get(0).isClosed()).as("the flood's least recently used session").isTrue();
        assertThat(flood.get(0).endReason()).isEqualTo(Reason.SESSION_LIMIT);
        assertThat(flood.subList(1, 4)).noneMatch(Session::isClosed);
        assertThat(sessions.peek(newcomer.id())).isSameAs(newcomer);
    }

    @Test
    void aFullTableRefusesTheGrantThatHoldsTheMost() {
        SessionRegistry sessions = new SessionRegistry(clock, new SessionSettings(Duration.ofHours(1), 4, 4));
        sessions.create("root-a", "a", "2025-11-25");
        sessions.create("root-a", "a", "2025-11-25");
        sessions.create("root-b", "b", "2025-11-25");
        sessions.create("root-b", "b", "2025-11-25");
        // Evicting one of b's for a third of a's would only move the unfairness: a is refused.
        assertThatThrownBy(() -> sessions.create("root-a", "a", "2025-11-25"))
                .isInstanceOfSatisfying(WarrantException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SESSION_LIMIT));
        assertThat(sessions.heldBy("root-a")).isEqualTo(2);
        assertThat(sessions.heldBy("root-b")).isEqualTo(2);
    }

    @Test
    void idleSessionsMakeRoomBeforeAnyoneIsEvictedAndTheTimeoutIsTheConfiguredOne() {
        SessionRegistry sessions = new SessionRegistry(clock, new SessionSettings(Duration.ofMinutes(2), 2, 2));
        Session idle = sessions.create("root-a", "a", "2025-11-25");
        clock.advance(Duration.ofMinutes(3));
        Session fresh = sessions.create("root-a", "a", "2025-11-25");
        sessions.create("root-b", "b", "2025-11-25");
        assertThat(idle.isClosed()).isTrue();
        assertThat(fresh.isClosed()).isFalse();
        assertThatThrownBy(() -> sessions.resolve(idle.id(), "root-a", "a"))
                .isInstanceOfSatisfying(WarrantException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SESSION_UNKNOWN));
    }
}
