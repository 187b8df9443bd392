package dev.warrant.otel;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MetaPropagationTest {

    private final W3CTraceContextPropagator propagator = W3CTraceContextPropagator.getInstance();

    @Test
    void injectKeepsCallerMetaAndAddsTraceparent() {
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
                // 1.68 hands out no-op spans when a provider has no processor at all.
                .addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create())).build()) {
            OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
            Span span = sdk.getTracer("t").spanBuilder("s").startSpan();
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("name", "echo");
            params.put("_meta", Map.of("progressToken", 7, "vendor/key", "v"));

            Map<String, Object> out = MetaPropagation.inject(propagator, Context.root().with(span), params,
                    key -> false);

            @SuppressWarnings("unchecked")
            Map<String, Object> meta = (Map<String, Object>) out.get("_meta");
            assertThat(meta).containsEntry("progressToken", 7).containsEntry("vendor/key", "v");
            assertThat((String) meta.get("traceparent"))
                    .isEqualTo("00-" + span.getSpanContext().getTraceId() + "-" + span.getSpanContext().getSpanId() + "-" + span.getSpanContext().getTraceFlags().asHex());
            assertThat(params.get("_meta")).as("the caller's map is not mutated").isEqualTo(Map.of("progressToken", 7, "vendor/key", "v"));
            span.end();
        }
    }

    @Test
    void injectLeavesOutTheKeysItIsToldToDrop() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("_meta", Map.of("progressToken", 7, "envelope/version", "v1"));

        Map<String, Object> out = MetaPropagation.inject(propagator, Context.root(), params,
                key -> key.startsWith("envelope/"));

        assertThat(out.get("_meta")).isEqualTo(Map.of("progressToken", 7));
        assertThat(params.get("_meta")).as("the caller's map is not mutated")
                .isEqualTo(Map.of("progressToken", 7, "envelope/version", "v1"));
    }

    @Test
    void extractRoundTripsAndIgnoresGarbage() {
        String tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        SpanContext ctx = Span.fromContext(MetaPropagation.fromTraceparent(propagator, tp)).getSpanContext();
        assertThat(ctx.isValid()).isTrue();
        assertThat(ctx.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(ctx.isRemote()).isTrue();

        SpanContext bad = Span.fromContext(MetaPropagation.extract(propagator, Map.of("traceparent", 12))).getSpanContext();
        assertThat(bad.isValid()).isFalse();
        assertThat(Span.fromContext(MetaPropagation.fromTraceparent(propagator, "00-zz-yy-01")).getSpanContext().isValid()).isFalse();
    }
}
