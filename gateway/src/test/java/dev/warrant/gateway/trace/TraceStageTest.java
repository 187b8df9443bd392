package dev.warrant.gateway.trace;

import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.Exchanges;
import dev.warrant.gateway.pipeline.FakeChain;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.Outcomes;
import dev.warrant.gateway.pipeline.TestTokens;
import dev.warrant.otel.McpAttributes;
import dev.warrant.otel.Telemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TraceStage alone, with a real OpenTelemetry SDK into memory: the SERVER span is in the span slot before the
 * stage proceeds, parented by the request's traceparent, else its {@code _meta}, else the latest delegation hop.
 */
class TraceStageTest {

    private static final TestTokens TOKENS = new TestTokens();
    private static final String HEADER_TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String HEADER_SPAN = "b7ad6b7169203331";
    private static final String META_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String META_SPAN = "00f067aa0ba902b7";
    private static final String HOP1_TRACE = "11111111111111111111111111111111";
    private static final String HOP2_TRACE = "22222222222222222222222222222222";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final SdkTracerProvider tracing = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
    private final TraceStage stage = new TraceStage(Telemetry.of(OpenTelemetrySdk.builder().setTracerProvider(tracing)
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build()));

    @AfterEach
    void closeTracing() {
        tracing.close();
    }

    private static String traceparent(String traceId, String spanId) {
        return "00-" + traceId + "-" + spanId + "-01";
    }

    private static McpExchange authenticated(Exchanges builder, VerifiedToken token) {
        McpExchange exchange = builder.build();
        exchange.token(token);
        return exchange;
    }

    private static SpanData data(Span span) {
        return ((ReadableSpan) span).toSpanData();
    }

    @Test
    void theServerSpanIsInTheSlotBeforeTheStageProceedsOnce() {
        AtomicReference<Span> atProceed = new AtomicReference<>();
        FakeChain chain = FakeChain.succeeding(new JsonObject().put("ok", true))
                .onProceed(ex -> atProceed.set(ex.span()));
        McpExchange exchange = authenticated(Exchanges.request("tools/call",
                new JsonObject().put("name", "notes__read_note")), TOKENS.verified("planner"));

        Future<JsonObject> answer = chain.run(stage, exchange);

        assertThat(answer.succeeded()).isTrue();
        assertThat(answer.result().getBoolean("ok")).isTrue();
        assertThat(chain.calls()).isEqualTo(1);
        assertThat(atProceed.get()).isNotNull().isSameAs(exchange.span());
        assertThat(Span.fromContext(exchange.traceContext())).isSameAs(exchange.span());
        SpanData span = data(exchange.span());
        assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(span.getName()).isEqualTo("tools/call notes__read_note");
        assertThat(span.getAttributes().get(McpAttributes.MCP_METHOD_NAME)).isEqualTo("tools/call");
        assertThat(span.getAttributes().get(McpAttributes.GEN_AI_TOOL_NAME)).isEqualTo("notes__read_note");
        assertThat(spans.getFinishedSpanItems()).as("the record stage ends it, with the outcome").isEmpty();
    }

    @Test
    void theTraceparentHeaderIsTheParent() {
        McpExchange exchange = authenticated(Exchanges.request("tools/list")
                .traceparent(traceparent(HEADER_TRACE, HEADER_SPAN)), TOKENS.verified("planner"));

        FakeChain.succeeding().run(stage, exchange);

        SpanData span = data(exchange.span());
        assertThat(span.getTraceId()).isEqualTo(HEADER_TRACE);
        assertThat(span.getParentSpanId()).isEqualTo(HEADER_SPAN);
        assertThat(span.getParentSpanContext().isRemote()).isTrue();
    }

    @Test
    void withoutAHeaderTheParentComesFromMeta() {
        JsonObject params = new JsonObject().put("_meta",
                new JsonObject().put("traceparent", traceparent(META_TRACE, META_SPAN)));
        McpExchange exchange = authenticated(Exchanges.request("tools/list", params), TOKENS.verified("planner"));

        FakeChain.succeeding().run(stage, exchange);

        assertThat(data(exchange.span()).getTraceId()).isEqualTo(META_TRACE);
        assertThat(data(exchange.span()).getParentSpanId()).isEqualTo(META_SPAN);
    }

    @Test
    void anInvalidHeaderFallsBackToMeta() {
        JsonObject params = new JsonObject().put("_meta",
                new JsonObject().put("traceparent", traceparent(META_TRACE, META_SPAN)));
        McpExchange exchange = authenticated(Exchanges.request("tools/list", params).traceparent("00-zz-zz-01"),
                TOKENS.verified("planner"));

        FakeChain.succeeding().run(stage, exchange);

        assertThat(data(exchange.span()).getTraceId()).isEqualTo(META_TRACE);
    }

    @Test
    void withoutARequestContextTheLatestHopIsTheParentAndEveryHopALink() {
        String token = TestTokens.delegate(TOKENS.mint("planner"),
                HopSpec.delegateTo("researcher").tools("notes", "*").trace(traceparent(HOP1_TRACE, "1111111111111111")).build());
        token = TestTokens.delegate(token,
                HopSpec.delegateTo("writer").tools("notes", "*").trace(traceparent(HOP2_TRACE, "2222222222222222")).build());
        McpExchange exchange = authenticated(Exchanges.request("tools/list"), TOKENS.verify(token));

        FakeChain.succeeding().run(stage, exchange);

        SpanData span = data(exchange.span());
        assertThat(span.getTraceId()).isEqualTo(HOP2_TRACE);
        assertThat(span.getParentSpanId()).isEqualTo("2222222222222222");
        assertThat(span.getLinks()).extracting(LinkData::getSpanContext).extracting(SpanContext::getTraceId)
                .containsExactly(HOP1_TRACE, HOP2_TRACE);
    }

    @Test
    void aHeaderWinsOverTheHopsWhichStayLinks() {
        String token = TestTokens.delegate(TOKENS.mint("planner"),
                HopSpec.delegateTo("researcher").tools("notes", "*").trace(traceparent(HOP1_TRACE, "1111111111111111")).build());
        McpExchange exchange = authenticated(Exchanges.request("tools/list")
                .traceparent(traceparent(HEADER_TRACE, HEADER_SPAN)), TOKENS.verify(token));

        FakeChain.succeeding().run(stage, exchange);

        SpanData span = data(exchange.span());
        assertThat(span.getTraceId()).isEqualTo(HEADER_TRACE);
        assertThat(span.getLinks()).extracting(LinkData::getSpanContext).extracting(SpanContext::getTraceId)
                .containsExactly(HOP1_TRACE);
    }

    @Test
    void withNoContextAtAllTheSpanStartsANewTrace() {
        McpExchange exchange = authenticated(Exchanges.get(), TOKENS.verified("planner"));

        FakeChain.succeeding().run(stage, exchange);

        SpanData span = data(exchange.span());
        assertThat(span.getParentSpanContext().isValid()).isFalse();
        assertThat(span.getName()).isEqualTo("stream");
    }

    @Test
    void theChainsRefusalReachesTheCallerUnchanged() {
        WarrantException refusal = WarrantException.of(Reason.RATE_LIMITED);
        FakeChain chain = FakeChain.failing(refusal);

        Future<JsonObject> answer = chain.run(stage, authenticated(Exchanges.request("ping"), TOKENS.verified("planner")));

        assertThat(answer.cause()).isSameAs(refusal);
        assertThat(Outcomes.refusal(answer)).isEqualTo(Reason.RATE_LIMITED);
    }
}
