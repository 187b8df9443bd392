package dev.warrant.gateway.record;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.Exchanges;
import dev.warrant.gateway.pipeline.FakeChain;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.Outcomes;
import dev.warrant.gateway.pipeline.TestTokens;
import dev.warrant.otel.Telemetry;
import dev.warrant.policies.Verdict;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RecordStage alone: one audit record per outcome, the answer held until the sink acknowledges it, refusal
 * while the sink is unhealthy, and recording that never changes the outcome.
 */
class RecordStageTest {

    private static final TestTokens TOKENS = new TestTokens();
    private static final VerifiedToken PLANNER = TOKENS.verified("planner");
    private static Vertx vertx;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Keeps every record; each acknowledgement is a future the test completes (or completed at once). */
    static final class FakeSink implements AuditSink {
        final List<AuditRecord> records = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Void>> acks = new CopyOnWriteArrayList<>();
        volatile boolean healthy = true;
        volatile boolean acknowledgeAtOnce = true;
        volatile RuntimeException throwOnRecord;

        @Override
        public CompletionStage<Void> record(AuditRecord record) {
            if (throwOnRecord != null) {
                throw throwOnRecord;
            }
            records.add(record);
            CompletableFuture<Void> ack = acknowledgeAtOnce ? CompletableFuture.completedFuture(null)
                    : new CompletableFuture<>();
            acks.add(ack);
            return ack;
        }

        @Override
        public boolean healthy() {
            return healthy;
        }
    }

    static final class SeenOutcomes implements GatewayObserver {
        final List<Outcome> outcomes = new ArrayList<>();

        @Override
        public void completed(McpExchange exchange, Outcome outcome) {
            outcomes.add(outcome);
        }
    }

    private final FakeSink sink = new FakeSink();
    private final SeenOutcomes observer = new SeenOutcomes();

    private static McpExchange toolCall() {
        McpExchange exchange = Exchanges.request("tools/call", new JsonObject().put("name", "notes__read_note")
                .put("arguments", new JsonObject().put("id", "n1"))).build();
        exchange.token(PLANNER);
        return exchange;
    }

    @Test
    void anAllowedCallIsRecordedOnceWithItsCallerMethodAndTarget() {
        McpExchange exchange = toolCall();
        FakeChain chain = FakeChain.succeeding(new JsonObject().put("content", "hi"));

        Future<JsonObject> answer = chain.run(new RecordStage(observer, sink), exchange);

        assertThat(chain.calls()).isEqualTo(1);
        assertThat(chain.exchange()).isSameAs(exchange);
        assertThat(answer.succeeded()).isTrue();
        assertThat(answer.result().getString("content")).isEqualTo("hi");
        assertThat(sink.records).singleElement().satisfies(r -> {
            assertThat(r.decision()).isEqualTo("allow");
            assertThat(r.reason()).isEqualTo(Verdict.ALLOWED);
            assertThat(r.caller()).isEqualTo("planner");
            assertThat(r.method()).isEqualTo("tools/call");
            assertThat(r.target()).isEqualTo("notes__read_note");
            assertThat(r.argumentDigest()).startsWith("sha256:");
            assertThat(r.revocationIds()).isEqualTo(PLANNER.revocationIds());
        });
        assertThat(observer.outcomes).singleElement().satisfies(o -> {
            assertThat(o.decision()).isEqualTo("allow");
            assertThat(o.errorType()).isNull();
        });
    }

    @Test
    void aDenialIsRecordedAsDenyWithItsReasonAndTheAnswerIsTheSameRefusal() {
        WarrantException denied = WarrantException.of(Reason.UNKNOWN_TOOL, "notes__read_note");
        FakeChain chain = FakeChain.failing(denied);

        Future<JsonObject> answer = chain.run(new RecordStage(observer, sink), toolCall());

        assertThat(chain.calls()).isEqualTo(1);
        assertThat(answer.failed()).isTrue();
        assertThat(answer.cause()).isSameAs(denied);
        assertThat(sink.records).singleElement().satisfies(r -> {
            assertThat(r.decision()).isEqualTo("deny");
            assertThat(r.reason()).isEqualTo("unknown_tool");
            assertThat(r.caller()).isEqualTo("planner");
            assertThat(r.method()).isEqualTo("tools/call");
            assertThat(r.mustSync()).as("a denial goes to stable storage").isTrue();
        });
        assertThat(observer.outcomes).singleElement()
                .satisfies(o -> assertThat(o.errorType()).isEqualTo("unknown_tool"));
    }

    @Test
    void anAllowedCallThatFailsUpstreamIsRecordedAsAllowWithTheUpstreamReason() {
        McpExchange exchange = toolCall();
        exchange.verdict(Verdict.allow());
        FakeChain chain = FakeChain.failing(WarrantException.of(Reason.UPSTREAM_TIMEOUT, "slow"));

        Future<JsonObject> answer = chain.run(new RecordStage(observer, sink), exchange);

        assertThat(Outcomes.refusal(answer)).isEqualTo(Reason.UPSTREAM_TIMEOUT);
        assertThat(sink.records).singleElement().satisfies(r -> {
            assertThat(r.decision()).isEqualTo("allow");
            assertThat(r.reason()).isEqualTo("upstream_timeout");
        });
    }

    @Test
    void aRefusalBeforeAuthenticationIsRecordedWithoutACaller() {
        McpExchange exchange = Exchanges.get().build();
        FakeChain chain = FakeChain.failing(WarrantException.of(Reason.TOKEN_MISSING));

        Future<JsonObject> answer = chain.run(new RecordStage(observer, sink), exchange);

        assertThat(Outcomes.refusal(answer)).isEqualTo(Reason.TOKEN_MISSING);
        assertThat(sink.records).singleElement().satisfies(r -> {
            assertThat(r.decision()).isEqualTo("deny");
            assertThat(r.reason()).isEqualTo("token_missing");
            assertThat(r.caller()).isNull();
            assertThat(r.method()).isEqualTo("stream");
        });
    }

    @Test
    void aBugFurtherInIsRecordedAsAnInternalErrorAndStillAnswered() {
        IllegalStateException bug = new IllegalStateException("stage X threw");
        FakeChain chain = FakeChain.failing(bug);

        Future<JsonObject> answer = chain.run(new RecordStage(observer, sink), toolCall());

        assertThat(answer.failed()).isTrue();
        assertThat(answer.cause()).isSameAs(bug);
        assertThat(sink.records).singleElement().satisfies(r -> {
            assertThat(r.decision()).isEqualTo("error");
            assertThat(r.reason()).isEqualTo(Reason.INTERNAL.code());
        });
    }

    @Test
    void theAnswerLeavesOnlyOnceTheSinkAcknowledgesTheRecord() {
        sink.acknowledgeAtOnce = false;
        FakeChain chain = FakeChain.succeeding();

        Future<JsonObject> answer = chain.run(new RecordStage(observer, sink), toolCall());

        assertThat(sink.records).hasSize(1);
        assertThat(answer.isComplete()).as("held until the audit line is written").isFalse();
        sink.acks.get(0).complete(null);
        assertThat(Outcomes.awaitResult(answer)).isNotNull();
        assertThat(sink.records).as("still one record").hasSize(1);
    }

    @Test
    void aRefusalIsAlsoHeldUntilItsRecordIsAcknowledged() {
        sink.acknowledgeAtOnce = false;
        FakeChain chain = FakeChain.failing(WarrantException.of(Reason.RATE_LIMITED));

        Future<JsonObject> answer = chain.run(new RecordStage(observer, sink), toolCall());

        assertThat(answer.isComplete()).isFalse();
        sink.acks.get(0).complete(null);
        assertThat(Outcomes.awaitRefusal(answer)).isEqualTo(Reason.RATE_LIMITED);
    }

    @Test
    void nothingIsRecordedWhileTheCallIsStillUnderWay() {
        Promise<JsonObject> later = Promise.promise();
        FakeChain chain = FakeChain.pending(later);

        Future<JsonObject> answer = chain.run(new RecordStage(observer, sink), toolCall());

        assertThat(chain.calls()).isEqualTo(1);
        assertThat(sink.records).isEmpty();
        assertThat(answer.isComplete()).isFalse();
        later.complete(new JsonObject().put("late", true));
        assertThat(answer.succeeded()).isTrue();
        assertThat(answer.result().getBoolean("late")).isTrue();
        assertThat(sink.records).hasSize(1);
    }

    @Test
    void anAcknowledgementFromTheWriterThreadContinuesOnTheRequestsOwnContext() throws Exception {
        sink.acknowledgeAtOnce = false;
        Context context = vertx.getOrCreateContext();
        CompletableFuture<Future<JsonObject>> started = new CompletableFuture<>();
        CompletableFuture<Context> answeredOn = new CompletableFuture<>();
        context.runOnContext(v -> {
            Future<JsonObject> answer = FakeChain.succeeding().run(new RecordStage(observer, sink), toolCall());
            answer.onComplete(r -> answeredOn.complete(Vertx.currentContext()));
            started.complete(answer);
        });
        Future<JsonObject> answer = started.get(10, TimeUnit.SECONDS);

        // The audit writer acknowledges on its own thread (here: the test's).
        sink.acks.get(0).complete(null);

        assertThat(answeredOn.get(10, TimeUnit.SECONDS)).isSameAs(context);
        assertThat(answer.succeeded()).isTrue();
    }

    @Test
    void anUnhealthySinkRefusesWithAuditUnavailableWithoutProceedingAndRecordsTheRefusal() {
        sink.healthy = false;
        FakeChain chain = FakeChain.succeeding();

        Future<JsonObject> answer = chain.run(new RecordStage(observer, sink), toolCall());

        assertThat(chain.calls()).as("no token check, no upstream call").isZero();
        assertThat(Outcomes.refusal(answer)).isEqualTo(Reason.AUDIT_UNAVAILABLE);
        assertThat(sink.records).as("the refusal is the probe that ends the outage").singleElement()
                .satisfies(r -> assertThat(r.reason()).isEqualTo("audit_unavailable"));
    }

    @Test
    void anUnhealthySinkConfiguredNotToRefuseLetsCallsThrough() {
        sink.healthy = false;
        FakeChain chain = FakeChain.succeeding();

        Future<JsonObject> answer = chain.run(new RecordStage(observer, sink, false), toolCall());

        assertThat(chain.calls()).isEqualTo(1);
        assertThat(answer.succeeded()).isTrue();
        assertThat(sink.records).hasSize(1);
    }

    @Test
    void aSinkThatThrowsNeverChangesTheOutcome() {
        sink.throwOnRecord = new IllegalStateException("disk on fire");

        Future<JsonObject> allowed = FakeChain.succeeding(new JsonObject().put("ok", true))
                .run(new RecordStage(observer, sink), toolCall());
        WarrantException denial = WarrantException.of(Reason.UNKNOWN_TOOL);
        Future<JsonObject> denied = FakeChain.failing(denial).run(new RecordStage(observer, sink), toolCall());

        assertThat(allowed.succeeded()).isTrue();
        assertThat(allowed.result().getBoolean("ok")).isTrue();
        assertThat(denied.cause()).isSameAs(denial);
    }

    @Test
    void anObserverThatThrowsNeitherChangesTheOutcomeNorLosesTheRecord() {
        GatewayObserver broken = (exchange, outcome) -> {
            throw new IllegalStateException("metrics exploded");
        };

        Future<JsonObject> answer = FakeChain.succeeding().run(new RecordStage(broken, sink), toolCall());

        assertThat(answer.succeeded()).isTrue();
        assertThat(sink.records).hasSize(1);
    }

    @Test
    void aMessageRefusedBeforeTracingStillGetsASpanWhoseTraceAndSpanIdAreInTheRecord() {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        try (SdkTracerProvider tracing = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()) {
            Telemetry telemetry = Telemetry.of(OpenTelemetrySdk.builder().setTracerProvider(tracing)
                    .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build());
            McpExchange exchange = Exchanges.notification("notifications/cancelled", new JsonObject()).build();

            Future<JsonObject> answer = FakeChain.failing(WarrantException.of(Reason.TOKEN_MALFORMED))
                    .run(new RecordStage(new TelemetryObserver(telemetry), sink), exchange);

            assertThat(Outcomes.refusal(answer)).isEqualTo(Reason.TOKEN_MALFORMED);
            assertThat(exchange.span()).isNotNull();
            assertThat(spans.getFinishedSpanItems()).singleElement().satisfies(span -> {
                assertThat(span.getName()).isEqualTo("notifications/cancelled");
                assertThat(sink.records).singleElement()
                        .satisfies(r -> assertThat(r.traceId()).isEqualTo(span.getTraceId()))
                        .satisfies(r -> assertThat(r.spanId()).isEqualTo(span.getSpanId()));
            });
        }
    }
}
