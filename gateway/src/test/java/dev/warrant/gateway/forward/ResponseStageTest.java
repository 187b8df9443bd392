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
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** ResponseStage alone: the agent's answer completes the relayed request of its own session; it never proceeds. */
class ResponseStageTest {

    private final SessionRegistry sessions = new SessionRegistry(Clock.systemUTC(), SessionSettings.defaults());
    private final Session mine = sessions.create("grant-a", "planner", ProtocolVersions.LATEST);
    private final Session theirs = sessions.create("grant-b", "researcher", ProtocolVersions.LATEST);
    private final ResponseStage stage = new ResponseStage(sessions);

    private static McpExchange answer(Session session, Object id, JsonObject body) {
        McpExchange exchange = Exchanges.response(id, body).build();
        exchange.session(session);
        return exchange;
    }

    private static JsonObject result(Object id, String text) {
        return new JsonObject().put("jsonrpc", "2.0").put("id", id)
                .put("result", new JsonObject().put("content", new JsonObject().put("text", text)));
    }

    @Test
    void theAnswerCompletesTheSessionsPendingRequestWithTheWholeMessage() {
        CompletableFuture<JsonObject> pending = new CompletableFuture<>();
        String id = mine.openServerRequest(pending);
        JsonObject body = result(id, "sampled");
        FakeChain chain = FakeChain.succeeding();

        Future<JsonObject> accepted = chain.run(stage, answer(mine, id, body));

        assertThat(accepted.succeeded()).isTrue();
        assertThat(pending).isCompletedWithValue(body);
        assertThat(chain.calls()).isZero();
    }

    @Test
    void aSessionCompletesOnlyTheRequestsItWasSent() {
        CompletableFuture<JsonObject> theirsPending = new CompletableFuture<>();
        CompletableFuture<JsonObject> minePending = new CompletableFuture<>();
        String theirId = theirs.openServerRequest(theirsPending);
        String myId = mine.openServerRequest(minePending);
        assertThat(myId).as("ids are per session, so they collide across sessions").isEqualTo(theirId);

        FakeChain.succeeding().run(stage, answer(mine, myId, result(myId, "from me")));

        assertThat(minePending).isCompletedWithValue(result(myId, "from me"));
        assertThat(theirsPending).isNotDone();
    }

    @Test
    void aLateOrUnknownAnswerIsAcceptedAndChangesNothing() {
        CompletableFuture<JsonObject> pending = new CompletableFuture<>();
        String id = mine.openServerRequest(pending);
        FakeChain chain = FakeChain.succeeding();

        assertThat(chain.run(stage, answer(mine, "warrant-999", result("warrant-999", "?"))).succeeded()).isTrue();
        assertThat(chain.run(stage, answer(mine, 1, result(1, "numeric id"))).succeeded()).isTrue();
        assertThat(pending).isNotDone();

        chain.run(stage, answer(mine, id, result(id, "first")));
        assertThat(chain.run(stage, answer(mine, id, result(id, "second"))).succeeded()).as("late: harmless").isTrue();
        assertThat(pending).isCompletedWithValue(result(id, "first"));
        assertThat(chain.calls()).isZero();
    }
}
