package dev.warrant.otel;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void askingForThePrometheusExportersOwnServerIsRefusedWithAPointerToMetrics() {
        assertThatThrownBy(() -> Telemetry.autoConfigured("m", Map.of("otel.metrics.exporter", "prometheus")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("/metrics");
    }

    @Test
    void startingLogsNoWarning() {
        Logger sdk = Logger.getLogger("io.opentelemetry");
        List<String> warnings = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r.getLoggerName() + ": " + r.getMessage());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        sdk.addHandler(handler);
        try (Telemetry telemetry = Telemetry.autoConfigured("member-1")) {
            telemetry.metrics().decision("allow", "allowed");
            assertThat(telemetry.prometheusText()).contains("service_instance_id=\"member-1\"");
        } finally {
            sdk.removeHandler(handler);
        }
        assertThat(warnings).isEmpty();
    }
}
