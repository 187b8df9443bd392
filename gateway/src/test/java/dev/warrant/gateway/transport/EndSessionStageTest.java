package dev.warrant.gateway.transport;

import dev.warrant.gateway.pipeline.Exchanges;
import dev.warrant.gateway.pipeline.FakeChain;
import dev.warrant.gateway.pipeline.McpExchange;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** EndSessionStage alone: DELETE removes the session, ends its calls and frees its quota; it never proceeds. */
class EndSessionStageTest {

    private final SessionRegistry sessions = new SessionRegistry(Clock.systemUTC(), SessionSettings.defaults());

    @Test
    void deleteRemovesTheSessionAndEndsWhatRanOnIt() {
        Session ended = sessions.create("grant-a", "planner", ProtocolVersions.LATEST);
        Session other = sessions.create("grant-a", "planner", ProtocolVersions.LATEST);
        AtomicInteger cancelled = new AtomicInteger();
        ended.trackCall(1, cancelled::incrementAndGet);
        CompletableFuture<JsonObject> relayed = new CompletableFuture<>();
        ended.openServerRequest(relayed);
        McpExchange exchange = Exchanges.delete().sessionId(ended.id()).build();
        exchange.session(ended);
        FakeChain chain = FakeChain.succeeding();

        Future<JsonObject> answer = chain.run(new EndSessionStage(sessions), exchange);

        assertThat(answer.succeeded()).isTrue();
        assertThat(chain.calls()).isZero();
        assertThat(sessions.size()).isEqualTo(1);
        assertThat(sessions.peek(ended.id())).isNull();
        assertThat(sessions.peek(other.id())).isSameAs(other);
        assertThat(sessions.heldBy("grant-a")).as("the quota is freed").isEqualTo(1);
        assertThat(ended.isClosed()).isTrue();
        assertThat(cancelled).hasValue(1);
        assertThat(relayed).isCompletedExceptionally();
        assertThat(ended.endReason()).as("the client ended it, not the gateway").isNull();
    }

    @Test
    void theLastSessionLeavesAnEmptyTable() {
        Session only = sessions.create("grant-a", "planner", ProtocolVersions.LATEST);
        McpExchange exchange = Exchanges.delete().build();
        exchange.session(only);

        FakeChain.succeeding().run(new EndSessionStage(sessions), exchange);

        assertThat(sessions.size()).isZero();
        assertThat(sessions.heldBy("grant-a")).isZero();
    }
}
