package dev.warrant.gateway.mcp;

import dev.warrant.gateway.transport.Session;
import dev.warrant.gateway.transport.SessionRegistry;
import dev.warrant.gateway.transport.SessionSettings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request relayed to an agent can only be answered on the session it was sent to (the transport resolves
 * a session only for its owner), once; a closed session fails what it still waits for, so nothing hangs.
 */
class RelayedRequestOwnershipTest {

    private final SessionRegistry sessions = new SessionRegistry(Clock.systemUTC(),
            new SessionSettings(Duration.ofMinutes(5), 10, 10));

    @Test
    void onlyTheSessionThatWasAskedCanAnswerAndOnlyOnce() {
        Session asked = sessions.create("root-a", "planner", "2025-11-25");
        Session other = sessions.create("root-b", "intruder", "2025-11-25");
        CompletableFuture<JsonObject> answer = new CompletableFuture<>();
        String id = asked.openServerRequest(answer);
        JsonObject forged = new JsonObject().put("jsonrpc", "2.0").put("id", id).put("result", new JsonObject());

        assertThat(other.answerServerRequest(id, forged)).isFalse();
        assertThat(answer).isNotDone();

        JsonObject real = new JsonObject().put("jsonrpc", "2.0").put("id", id)
                .put("result", new JsonObject().put("action", "accept"));
        assertThat(asked.answerServerRequest(id, real)).isTrue();
        assertThat(answer).isCompletedWithValue(real);
        assertThat(asked.answerServerRequest(id, real)).isFalse();
        // A numeric id with the same digits is a different id.
        assertThat(asked.answerServerRequest(1, real)).isFalse();
    }

    @Test
    void closingTheSessionFailsWhatItWaitsFor() {
        Session session = sessions.create("root-a", "planner", "2025-11-25");
        CompletableFuture<JsonObject> answer = new CompletableFuture<>();
        session.openServerRequest(answer);

        sessions.remove(session);

        assertThat(answer).isCompletedExceptionally();
        CompletableFuture<JsonObject> late = new CompletableFuture<>();
        session.openServerRequest(late);
        assertThat(late).isCompletedExceptionally();
    }

    @Test
    void capabilitiesAndLevelAreTheSessionsOwn() {
        Session session = sessions.create("root-a", "planner", "2025-11-25");
        assertThat(session.declares("sampling")).isFalse();
        session.clientCapabilities(new JsonObject().put("sampling", new JsonObject()).put("roots", true));
        assertThat(session.declares("sampling")).isTrue();
        // Not an object: not a declaration.
        assertThat(session.declares("roots")).isFalse();
        assertThat(session.logLevel()).isNull();
        session.logLevel("error");
        assertThat(session.logLevel()).isEqualTo("error");
    }
}
