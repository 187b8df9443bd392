package dev.warrant.gateway.transport;

import dev.warrant.gateway.cluster.SealingKeys;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A session whose id's sealing key is retired (older than sessions.maxAge) is gone, however busy it was. */
class SessionMaxAgeTest {

    @Test
    void aSessionWhoseKeyIsRetiredIsUnknownEvenOnTheMemberHoldingIt() {
        AtomicBoolean retired = new AtomicBoolean();
        SealingKeys base = SealingKeys.fixed();
        SealingKeys keys = new SealingKeys() {
            @Override
            public Key current() {
                return base.current();
            }

            @Override
            public byte[] find(long epoch) {
                return retired.get() ? null : base.find(epoch);
            }
        };
        SessionRegistry sessions = new SessionRegistry(Clock.systemUTC(), SessionSettings.defaults(), SessionSharing.local(keys));
        Session session = sessions.open("root-a", "planner", "2025-11-25", new JsonObject());
        sessions.admit(session);
        assertThat(sessions.resolve(session.id(), "root-a", "planner")).isSameAs(session);

        retired.set(true);
        assertThatThrownBy(() -> sessions.resolve(session.id(), "root-a", "planner")).isInstanceOf(WarrantException.class)
                .satisfies(e -> assertThat(((WarrantException) e).reason().code()).isEqualTo("session_unknown"));
        assertThat(sessions.peek(session.id())).isNull();
        assertThat(session.isClosed()).isTrue();
    }

    @Test
    void theSettingsRetainEnoughKeysForTheMaximumAge() {
        assertThat(SessionSettings.defaults().retainedKeys()).isEqualTo(8);
        assertThat(new SessionSettings(Duration.ofHours(1), 10, 5, Duration.ofHours(6), Duration.ofHours(13)).retainedKeys())
                .isEqualTo(4);
        assertThatThrownBy(() -> new SessionSettings(Duration.ofHours(1), 10, 5, Duration.ofDays(2), Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAge");
    }
}
