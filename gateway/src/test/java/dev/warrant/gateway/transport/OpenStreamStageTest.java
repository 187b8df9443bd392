package dev.warrant.gateway.transport;

import dev.warrant.gateway.pipeline.Exchanges;
import dev.warrant.gateway.pipeline.FakeChain;
import dev.warrant.gateway.pipeline.McpExchange;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenStreamStage alone: it only grants; the transport attaches the stream after the grant is recorded, so
 * the stage itself leaves the session as it was and never proceeds.
 */
class OpenStreamStageTest {

    @Test
    void aGetIsGrantedWithoutTouchingTheSessionOrProceeding() {
        SessionRegistry sessions = new SessionRegistry(Clock.systemUTC(), SessionSettings.defaults());
        Session session = sessions.create("grant-a", "planner", ProtocolVersions.LATEST);
        McpExchange exchange = Exchanges.get().sessionId(session.id()).build();
        exchange.session(session);
        FakeChain chain = FakeChain.succeeding();

        Future<JsonObject> answer = chain.run(new OpenStreamStage(), exchange);

        assertThat(answer.succeeded()).isTrue();
        assertThat(chain.calls()).isZero();
        assertThat(session.isListening()).as("no stream attached by the stage").isFalse();
        assertThat(session.hasStream()).isFalse();
        assertThat(sessions.peek(session.id())).isSameAs(session);
    }
}
