package dev.warrant.gateway.forward;

import dev.warrant.gateway.pipeline.Exchanges;
import dev.warrant.gateway.pipeline.FakeChain;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.transport.ProtocolVersions;
import dev.warrant.gateway.transport.Session;
import dev.warrant.gateway.transport.SessionRegistry;
import dev.warrant.gateway.transport.SessionSettings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** NotificationStage alone: notifications/cancelled withdraws one of the session's own calls; it never proceeds. */
class NotificationStageTest {

    private final SessionRegistry sessions = new SessionRegistry(Clock.systemUTC(), SessionSettings.defaults());
    private final Session mine = sessions.create("grant-a", "planner", ProtocolVersions.LATEST);
    private final Session theirs = sessions.create("grant-b", "researcher", ProtocolVersions.LATEST);
    private final NotificationStage stage = new NotificationStage(sessions);

    private static McpExchange on(Session session, String method, JsonObject params) {
        McpExchange exchange = Exchanges.notification(method, params).build();
        exchange.session(session);
        return exchange;
    }

    @Test
    void cancelledWithdrawsTheSessionsCallOnceAndNeverProceeds() {
        AtomicInteger cancelled = new AtomicInteger();
        mine.trackCall(7L, cancelled::incrementAndGet);
        FakeChain chain = FakeChain.succeeding();

        // JSON numbers arrive as Integer; the call was tracked under a Long: they must still match.
        Future<JsonObject> answer = chain.run(stage, on(mine, "notifications/cancelled",
                new JsonObject().put("requestId", 7).put("reason", "user pressed stop")));

        assertThat(answer.succeeded()).isTrue();
        assertThat(cancelled).hasValue(1);
        assertThat(chain.calls()).isZero();

        chain.run(stage, on(mine, "notifications/cancelled", new JsonObject().put("requestId", 7)));
        assertThat(cancelled).as("a call is withdrawn once").hasValue(1);
    }

    @Test
    void aSessionCannotCancelAnotherSessionsCall() {
        AtomicInteger theirsCancelled = new AtomicInteger();
        theirs.trackCall("call-1", theirsCancelled::incrementAndGet);

        Future<JsonObject> answer = FakeChain.succeeding().run(stage, on(mine, "notifications/cancelled",
                new JsonObject().put("requestId", "call-1")));

        assertThat(answer.succeeded()).as("accepted: an unknown id is not an error").isTrue();
        assertThat(theirsCancelled).hasValue(0);
        assertThat(theirs.cancelCall("call-1")).as("still tracked").isTrue();
    }

    @Test
    void otherNotificationsAreAcceptedWithoutEffect() {
        AtomicInteger cancelled = new AtomicInteger();
        mine.trackCall(1, cancelled::incrementAndGet);
        FakeChain chain = FakeChain.succeeding();

        for (String method : new String[] {"notifications/initialized", "notifications/roots/list_changed",
                "notifications/progress"}) {
            assertThat(chain.run(stage, on(mine, method, new JsonObject().put("requestId", 1))).succeeded()).isTrue();
        }
        assertThat(chain.run(stage, on(mine, "notifications/cancelled", new JsonObject())).succeeded()).isTrue();

        assertThat(cancelled).hasValue(0);
        assertThat(chain.calls()).isZero();
    }
}
