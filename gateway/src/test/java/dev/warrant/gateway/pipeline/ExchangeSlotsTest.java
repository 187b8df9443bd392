package dev.warrant.gateway.pipeline;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.auth.AuthenticateStage;
import dev.warrant.gateway.auth.Authenticator;
import dev.warrant.gateway.auth.VerifiedTokenCache;
import dev.warrant.gateway.transport.ProtocolVersions;
import dev.warrant.gateway.transport.Session;
import dev.warrant.gateway.transport.SessionRegistry;
import dev.warrant.gateway.transport.SessionSettings;
import dev.warrant.gateway.transport.SessionStage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The exchange's slots are set once, through a real pipeline with real stages: a second write fails the
 * exchange with an IllegalStateException that names the slot and both writers, and nothing after it runs.
 */
class ExchangeSlotsTest {

    private static final TestTokens TOKENS = new TestTokens();
    private static Vertx vertx;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private final SessionRegistry sessions = new SessionRegistry(Clock.systemUTC(), SessionSettings.defaults());
    private final List<String> reached = new ArrayList<>();

    /** A stage of the given kind that writes a slot someone else owns, then passes on. */
    static final class WritesSession implements Stage {
        private final Session session;

        WritesSession(Session session) {
            this.session = session;
        }

        @Override
        public StageKind kind() {
            return StageKind.TRACE;
        }

        @Override
        public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
            exchange.session(session);
            return chain.proceed(exchange);
        }
    }

    static final class WritesToken implements Stage {
        @Override
        public StageKind kind() {
            return StageKind.TRACE;
        }

        @Override
        public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
            exchange.token(exchange.token());
            return chain.proceed(exchange);
        }
    }

    private Stage terminal() {
        return new Stage() {
            @Override
            public StageKind kind() {
                return StageKind.TERMINAL;
            }

            @Override
            public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
                reached.add(exchange.method());
                return Future.succeededFuture(new JsonObject());
            }
        };
    }

    private AuthenticateStage authenticate() {
        return new AuthenticateStage(new Authenticator(vertx, TOKENS.verifier,
                new VerifiedTokenCache(100, Duration.ofHours(1), Clock.systemUTC()), token -> false,
                Clock.systemUTC(), 8_192));
    }

    /** The exception and its causes, as one text: the pipeline wraps what a stage threw. */
    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }

    @Test
    void aStageOverwritingTheSessionStagesSlotFailsNamingBoth() {
        VerifiedToken planner = TOKENS.verified("planner");
        Session planted = sessions.create(planner.revocationIds().get(0), "planner", ProtocolVersions.LATEST);
        Pipeline pipeline = new Pipeline(List.of(new WritesSession(planted), new SessionStage(sessions), terminal()));
        McpExchange exchange = Exchanges.request("tools/list").sessionId(planted.id()).build();
        exchange.token(planner);

        Future<JsonObject> answer = pipeline.execute(exchange);

        assertThat(answer.failed()).isTrue();
        assertThat(answer.cause()).isInstanceOf(IllegalStateException.class);
        assertThat(messages(answer.cause())).contains("'session'").contains("WritesSession").contains("SessionStage");
        assertThat(reached).as("nothing after the broken stage ran").isEmpty();
        assertThat(exchange.session()).as("the first write stands").isSameAs(planted);
    }

    @Test
    void aRefusedDoubleWriteOfAnInitializeLeavesNoSessionInTheTable() {
        VerifiedToken planner = TOKENS.verified("planner");
        Session planted = sessions.open(planner.revocationIds().get(0), "planner", ProtocolVersions.LATEST, new JsonObject());
        Pipeline pipeline = new Pipeline(List.of(new WritesSession(planted), new SessionStage(sessions), terminal()));
        McpExchange exchange = Exchanges.request("initialize", new JsonObject()).build();
        exchange.token(planner);

        Future<JsonObject> answer = pipeline.execute(exchange);

        assertThat(answer.cause()).isInstanceOf(IllegalStateException.class);
        assertThat(messages(answer.cause())).contains("WritesSession").contains("SessionStage");
        assertThat(sessions.size()).isZero();
        assertThat(reached).isEmpty();
    }

    @Test
    void aStageOverwritingTheAuthenticatedTokenFailsNamingBoth() {
        Pipeline pipeline = new Pipeline(List.of(authenticate(), new WritesToken(), terminal()));
        McpExchange exchange = Exchanges.request("tools/list").bearer(TOKENS.mint("planner")).build();

        Throwable failure = Outcomes.awaitFailure(pipeline.execute(exchange));

        assertThat(failure).isInstanceOf(IllegalStateException.class);
        assertThat(messages(failure)).contains("'token'").contains("AuthenticateStage").contains("WritesToken");
        assertThat(reached).isEmpty();
    }

    @Test
    void aWriteBeforeThePipelineIsNamedAsCodeOutsideIt() {
        Pipeline pipeline = new Pipeline(List.of(authenticate(), terminal()));
        McpExchange exchange = Exchanges.request("tools/list").bearer(TOKENS.mint("planner")).build();
        exchange.token(TOKENS.verified("intruder"));

        Throwable failure = Outcomes.awaitFailure(pipeline.execute(exchange));

        assertThat(failure).isInstanceOf(IllegalStateException.class);
        assertThat(messages(failure)).contains("code outside the pipeline").contains("AuthenticateStage");
        assertThat(exchange.token().caller()).isEqualTo("intruder");
        assertThat(reached).isEmpty();
    }

    @Test
    void eachSlotIsItsOwnAndReadingIsNotWriting() {
        McpExchange exchange = Exchanges.request("tools/call").build();
        assertThat(exchange.token()).isNull();
        assertThat(exchange.verdict()).isNull();

        exchange.token(TOKENS.verified("planner"));
        exchange.approvalId("a-1");
        exchange.decidedBy("alice", "checked the path");

        assertThat(exchange.approvalId()).isEqualTo("a-1");
        assertThat(exchange.approver()).isEqualTo("alice");
        assertThat(exchange.approverReason()).isEqualTo("checked the path");
        assertThatThrownBy(() -> exchange.decidedBy("mallory", null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'approver'");
        assertThat(exchange.approver()).isEqualTo("alice");
        assertThat(exchange.approverReason()).isEqualTo("checked the path");
    }
}
