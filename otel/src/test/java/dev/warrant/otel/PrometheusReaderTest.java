package dev.warrant.otel;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusReaderTest {

    @Test
    void rendersWarrantInstrumentsInPrometheusTextFormat() {
        try (Telemetry telemetry = Telemetry.autoConfigured("member-1", Map.of("otel.service.name", "warrant"))) {
            WarrantMetrics m = telemetry.metrics();
            m.serverOperation("tools/call", "allow", null, 0.015);
            m.serverOperation("tools/call", "deny", "constraint_failed", 0.003);
            m.decision("allow", "allowed");
            m.decision("deny", "constraint_failed");
            m.decision("deny", "constraint_failed");
            m.authorization("allow", 0.00006);
            m.clientOperation("tools/call", "notes", "read_note", "upstream_timeout", 1.5);
            m.observeRevocations(() -> 3);

            String text = telemetry.prometheusText();

            assertThat(text)
                    .contains("# TYPE mcp_server_operation_duration_seconds histogram")
                    .contains("mcp_server_operation_duration_seconds_bucket{mcp_method_name=\"tools/call\",warrant_decision=\"allow\",le=\"0.02\"} 1")
                    .contains("mcp_server_operation_duration_seconds_bucket{mcp_method_name=\"tools/call\",warrant_decision=\"allow\",le=\"0.01\"} 0")
                    .contains("mcp_server_operation_duration_seconds_count{error_type=\"constraint_failed\",mcp_method_name=\"tools/call\",warrant_decision=\"deny\"} 1")
                    .contains("# TYPE warrant_decisions_total counter")
                    .contains("warrant_decisions_total{warrant_decision=\"deny\",warrant_reason=\"constraint_failed\"} 2")
                    // Bounds are spelled as Java doubles, as by every Prometheus Java client; Prometheus parses them as floats.
                    .contains("warrant_authorization_duration_seconds_bucket{warrant_decision=\"allow\",le=\"1.0E-4\"} 1")
                    .contains("mcp_client_operation_duration_seconds_bucket{error_type=\"upstream_timeout\",gen_ai_tool_name=\"read_note\",mcp_method_name=\"tools/call\",warrant_upstream=\"notes\",le=\"+Inf\"} 1")
                    .contains("warrant_upstream_errors_total{error_type=\"upstream_timeout\",warrant_upstream=\"notes\"} 1")
                    .contains("warrant_revocations 3")
                    .containsPattern("target_info\\{[^}]*service_instance_id=\"member-1\"")
                    .containsPattern("target_info\\{[^}]*service_name=\"warrant\"");
            // Every non-comment line is "name{labels} value" with a parseable value.
            text.lines().filter(l -> !l.startsWith("#")).forEach(line ->
                    assertThat(line).matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*\\})? (\\+Inf|-?[0-9.eE+-]+)"));
        }
    }

    @Test
    void labelValuesAreEscaped() {
        try (Telemetry telemetry = Telemetry.autoConfigured("m", Map.of())) {
            telemetry.metrics().decision("deny", "we\"ird\\reason\nx");
            assertThat(telemetry.prometheusText())
                    .contains("warrant_reason=\"we\\\"ird\\\\reason\\nx\"");
        }
    }

    @Test
    void noopTelemetryScrapesNothing() {
        Telemetry telemetry = Telemetry.noop();
        telemetry.metrics().decision("allow", "allowed");
        assertThat(telemetry.prometheusText()).isEmpty();
    }
}
