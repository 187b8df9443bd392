package dev.warrant.gateway.pipeline;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.transport.JsonRpc;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pipeline's own contract (docs/ARCHITECTURE.md §2.4): a wrong assembly fails at construction, and a stage that breaks
 * the "answer or proceed exactly once" rule is reported by name instead of hanging the call.
 */
class PipelineTest {

    /** Passes on, recording its kind. */
    static class PassStage implements Stage {
        final StageKind kind;
        final List<String> trail;

        PassStage(StageKind kind, List<String> trail) {
            this.kind = kind;
            this.trail = trail;
        }

        @Override
        public StageKind kind() {
            return kind;
        }

        @Override
        public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
            trail.add(kind.name());
            return chain.proceed(exchange);
        }
    }

    static final class Record extends PassStage {
        Record(List<String> trail) {
            super(StageKind.RECORD, trail);
        }
    }

    static final class Authenticate extends PassStage {
        Authenticate(List<String> trail) {
            super(StageKind.AUTHENTICATE, trail);
        }
    }

    static final class Session extends PassStage {
        Session(List<String> trail) {
            super(StageKind.SESSION, trail);
        }
    }

    static final class Authorize extends PassStage {
        Authorize(List<String> trail) {
            super(StageKind.AUTHORIZE, trail);
        }
    }

    /** Terminal: answers with the method name. */
    static final class Forward implements Stage {
        final List<String> trail;

        Forward(List<String> trail) {
            this.trail = trail;
        }

        @Override
        public StageKind kind() {
            return StageKind.TERMINAL;
        }

        @Override
        public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
            trail.add("FORWARD");
            return Future.succeededFuture(new JsonObject().put("answered", exchange.method()));
        }
    }

    static final class ProceedsTwice implements Stage {
        final AtomicReference<RuntimeException> second = new AtomicReference<>();

        @Override
        public StageKind kind() {
            return StageKind.AUTHORIZE;
        }

        @Override
        public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
            Future<JsonObject> first = chain.proceed(exchange);
            try {
                chain.proceed(exchange);
            } catch (RuntimeException e) {
                second.set(e);
                throw e;
            }
            return first;
        }
    }

    static final class ReturnsNull implements Stage {
        @Override
        public StageKind kind() {
            return StageKind.SESSION;
        }

        @Override
        public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
            return null;
        }
    }

    static final class Refuses implements Stage {
        @Override
        public StageKind kind() {
            return StageKind.AUTHENTICATE;
        }

        @Override
        public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
            throw WarrantException.of(Reason.TOKEN_MISSING, "no Authorization header");
        }
    }

    static final class Crashes implements Stage {
        @Override
        public StageKind kind() {
            return StageKind.AUTHORIZE;
        }

        @Override
        public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
            throw new NullPointerException("bug");
        }
    }

    static final class TerminalProceeds implements Stage {
        @Override
        public StageKind kind() {
            return StageKind.TERMINAL;
        }

        @Override
        public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
            return chain.proceed(exchange);
        }
    }

    static McpExchange exchange(String method) {
        return new McpExchange(new JsonRpc.Request(1, method, new JsonObject()),
                new HttpFacts(null, null, null, Map.of(), Optional.empty()), ReplyChannel.NONE, 0L);
    }

    static Throwable failure(Future<JsonObject> future) {
        assertThat(future.isComplete()).as("completed, not hanging").isTrue();
        assertThat(future.failed()).as("failed").isTrue();
        return future.cause();
    }

    @Test
    void stagesRunInOrderAndTheTerminalOneAnswers() {
        List<String> trail = new ArrayList<>();
        Pipeline p = new Pipeline(List.of(new Record(trail), new Authenticate(trail), new Session(trail),
                new Authorize(trail), new Forward(trail)));
        Future<JsonObject> result = p.execute(exchange("tools/list"));
        assertThat(result.succeeded()).isTrue();
        assertThat(result.result().getString("answered")).isEqualTo("tools/list");
        assertThat(trail).containsExactly("RECORD", "AUTHENTICATE", "SESSION", "AUTHORIZE", "FORWARD");
        assertThat(p.stages()).hasSize(5);
    }

    @Test
    void aPipelineCanBeExecutedManyTimes() {
        List<String> trail = new ArrayList<>();
        Pipeline p = new Pipeline(List.of(new Authenticate(trail), new Forward(trail)));
        for (int i = 0; i < 3; i++) {
            assertThat(p.execute(exchange("ping")).succeeded()).isTrue();
        }
        assertThat(trail).hasSize(6);
    }

    @Test
    void authorizeBeforeAuthenticateFailsAtConstructionNamingTheStage() {
        List<String> trail = new ArrayList<>();
        assertThatThrownBy(() -> new Pipeline(List.of(new Authorize(trail), new Authenticate(trail), new Forward(trail))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Authenticate")
                .hasMessageContaining("AUTHORIZE");
    }

    @Test
    void aKindTwiceFailsAtConstruction() {
        List<String> trail = new ArrayList<>();
        assertThatThrownBy(() -> new Pipeline(List.of(new Authenticate(trail), new Authenticate(trail), new Forward(trail))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Authenticate");
    }

    @Test
    void aMissingTerminalStageFailsAtConstruction() {
        List<String> trail = new ArrayList<>();
        assertThatThrownBy(() -> new Pipeline(List.of(new Record(trail), new Authenticate(trail), new Authorize(trail))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TERMINAL")
                .hasMessageContaining("Authorize");
        assertThatThrownBy(() -> new Pipeline(List.of(new Forward(trail), new Authorize(trail))))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new Pipeline(List.of())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theStageListIsCopied() {
        List<String> trail = new ArrayList<>();
        List<Stage> stages = new ArrayList<>(List.of(new Authenticate(trail), new Forward(trail)));
        Pipeline p = new Pipeline(stages);
        stages.add(new Authorize(trail)); // would now be after FORWARD
        assertThat(p.stages()).hasSize(2);
        assertThatThrownBy(() -> p.stages().add(new Authorize(trail))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void proceedingTwiceIsAnIllegalStateNamingTheStage() {
        List<String> trail = new ArrayList<>();
        ProceedsTwice twice = new ProceedsTwice();
        Pipeline p = new Pipeline(List.of(new Authenticate(trail), twice, new Forward(trail)));
        Throwable cause = failure(p.execute(exchange("tools/call")));
        assertThat(twice.second.get())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ProceedsTwice")
                .hasMessageContaining("twice");
        // The forward stage ran once, not twice.
        assertThat(trail).containsExactly("AUTHENTICATE", "FORWARD");
        assertThat(cause).hasMessageContaining("ProceedsTwice");
    }

    @Test
    void returningNullFailsTheFutureNamingTheStage() {
        List<String> trail = new ArrayList<>();
        Pipeline p = new Pipeline(List.of(new Authenticate(trail), new ReturnsNull(), new Forward(trail)));
        Throwable cause = failure(p.execute(exchange("tools/list")));
        assertThat(cause).isInstanceOf(IllegalStateException.class).hasMessageContaining("ReturnsNull");
        assertThat(trail).containsExactly("AUTHENTICATE");
    }

    @Test
    void aWarrantExceptionBecomesAFailedFutureWithItsReason() {
        List<String> trail = new ArrayList<>();
        Pipeline p = new Pipeline(List.of(new Record(trail), new Refuses(), new Authorize(trail), new Forward(trail)));
        Throwable cause = failure(p.execute(exchange("tools/list")));
        assertThat(cause).isInstanceOfSatisfying(WarrantException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.TOKEN_MISSING);
            assertThat(e.detail()).isEqualTo("no Authorization header");
        });
        // Stages after the refusal never ran; the outer one saw the failure.
        assertThat(trail).containsExactly("RECORD");
    }

    @Test
    void anUnexpectedExceptionFailsTheFutureNamingTheStage() {
        List<String> trail = new ArrayList<>();
        Pipeline p = new Pipeline(List.of(new Authenticate(trail), new Crashes(), new Forward(trail)));
        Throwable cause = failure(p.execute(exchange("tools/call")));
        assertThat(cause).isInstanceOf(IllegalStateException.class).hasMessageContaining("Crashes");
        assertThat(cause.getCause()).isInstanceOf(NullPointerException.class);
        // And the transport turns it into a plain internal error, never the exception text.
        assertThat(WarrantException.wrap(cause).reason()).isEqualTo(Reason.INTERNAL);
    }

    @Test
    void theTerminalStageMustNotProceed() {
        List<String> trail = new ArrayList<>();
        Pipeline p = new Pipeline(List.of(new Authenticate(trail), new TerminalProceeds()));
        Throwable cause = failure(p.execute(exchange("ping")));
        assertThat(cause).hasMessageContaining("TerminalProceeds");
    }

    @Test
    void anAsynchronousAnswerCompletesTheCall() {
        List<String> trail = new ArrayList<>();
        Promise<JsonObject> later = Promise.promise();
        Stage async = new Stage() {
            @Override
            public StageKind kind() {
                return StageKind.TERMINAL;
            }

            @Override
            public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
                return later.future();
            }
        };
        Pipeline p = new Pipeline(List.of(new Authenticate(trail), async));
        Future<JsonObject> result = p.execute(exchange("tools/call"));
        assertThat(result.isComplete()).isFalse();
        later.complete(new JsonObject().put("ok", true));
        assertThat(result.succeeded()).isTrue();
        assertThat(result.result().getBoolean("ok")).isTrue();
    }

    @Test
    void anonymousStagesAreStillNamed() {
        // A stage written as an anonymous class has no simple name; the message must still say which one.
        Stage anonymous = new Stage() {
            @Override
            public StageKind kind() {
                return StageKind.AUTHORIZE;
            }

            @Override
            public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
                return null;
            }
        };
        Pipeline p = new Pipeline(List.of(anonymous, new Forward(new ArrayList<>())));
        Throwable cause = failure(p.execute(exchange("ping")));
        assertThat(cause.getMessage()).doesNotContain("stage  ").contains("PipelineTest$");
    }
}
