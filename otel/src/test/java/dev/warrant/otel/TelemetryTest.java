package dev.warrant.otel;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TelemetryTest {

    @Test
    void withNoExporterConfiguredSpansStillCarryRealTraceIds() {
        // No OTEL_* variables are set for the test JVM: Warrant's defaults export nothing.
        try (Telemetry telemetry = Telemetry.autoConfigured("test-member")) {
            Span span = telemetry.tracer().spanBuilder("s").startSpan();
            assertThat(span.getSpanContext().isValid()).isTrue();
            String traceparent = MetaPropagation.traceparent(telemetry.propagator(), Context.root().with(span));
            assertThat(traceparent).startsWith("00-" + span.getSpanContext().getTraceId() + "-");
            span.end();
        }
    }

    @Test
    void noopTelemetryNeverFails() {
        Telemetry telemetry = Telemetry.noop();
        Span span = telemetry.tracer().spanBuilder("s").startSpan();
        span.end();
        assertThat(span.getSpanContext().isValid()).isFalse();
        assertThat(MetaPropagation.traceparent(telemetry.propagator(), Context.root().with(span))).isNull();
    }
}
