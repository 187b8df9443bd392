package dev.warrant.gateway.audit;

import dev.warrant.gateway.record.AuditRecord;
import dev.warrant.gateway.record.AuditSettings;
import dev.warrant.gateway.record.AuditSink;
import dev.warrant.gateway.record.JsonLinesAuditLog;
import dev.warrant.gateway.record.TelemetryAuditSink;
import dev.warrant.otel.Telemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Audit records as OpenTelemetry log records: the mapping, and that exporting never costs the audit line. */
class TelemetryAuditSinkTest {

    static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    static final String SPAN_ID = "b7ad6b7169203331";

    @TempDir
    Path dir;

    static AuditRecord record(String decision, String reason) {
        return new AuditRecord(Instant.parse("2026-11-25T20:00:00.123456789Z"), decision, reason, "p.datalog:3: deny",
                "researcher", List.of("planner", "researcher"), "T-42", "tools/call", "fs__read_file", "sha256:abc",
                "high", "ap-1", "alice", null, List.of("rev1", "rev2"), TRACE_ID, "s-1", 1234,
                new JsonObject().put("path", "/secret/1"), "c-9", SPAN_ID);
    }

    @Test
    void everyAuditFieldBecomesANamedAttributeWithSeverityTimeAndTheSpanAsContext() {
        InMemoryLogRecordExporter exported = InMemoryLogRecordExporter.create();
        try (SdkLoggerProvider provider = SdkLoggerProvider.builder()
                .addLogRecordProcessor(SimpleLogRecordProcessor.create(exported)).build()) {
            AuditSink sink = new TelemetryAuditSink(AuditSink.NONE, provider.get("dev.warrant"), false);
            sink.record(record("allow", "allowed"));
            sink.record(record("deny", "constraint_failed"));
            sink.record(record("error", "upstream_timeout"));
            sink.record(record("alert", "drift_contained"));

            List<LogRecordData> logs = exported.getFinishedLogRecordItems();
            assertThat(logs).extracting(LogRecordData::getSeverity)
                    .containsExactly(Severity.INFO, Severity.WARN, Severity.ERROR, Severity.ERROR);
            assertThat(logs).extracting(LogRecordData::getSeverityText).containsExactly("INFO", "WARN", "ERROR", "ERROR");
            LogRecordData deny = logs.get(1);
            assertThat(deny.getEventName()).isEqualTo("warrant.audit");
            assertThat(deny.getBodyValue().asString()).isEqualTo("deny tools/call fs__read_file: constraint_failed");
            assertThat(deny.getTimestampEpochNanos()).isEqualTo(1_795_636_800_123_456_789L);
            assertThat(deny.getSpanContext().getTraceId()).isEqualTo(TRACE_ID);
            assertThat(deny.getSpanContext().getSpanId()).isEqualTo(SPAN_ID);
            Map<String, Object> attributes = new java.util.HashMap<>();
            deny.getAttributes().forEach((k, v) -> attributes.put(k.getKey(), v));
            assertThat(attributes).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                    Map.entry("warrant.decision", "deny"),
                    Map.entry("warrant.reason", "constraint_failed"),
                    Map.entry("warrant.policy", "p.datalog:3: deny"),
                    Map.entry("warrant.caller", "researcher"),
                    Map.entry("warrant.delegation.chain", List.of("planner", "researcher")),
                    Map.entry("warrant.task", "T-42"),
                    Map.entry("mcp.method.name", "tools/call"),
                    Map.entry("warrant.target", "fs__read_file"),
                    Map.entry("warrant.argument_digest", "sha256:abc"),
                    Map.entry("warrant.risk_tier", "high"),
                    Map.entry("warrant.approval.id", "ap-1"),
                    Map.entry("warrant.approval.approver", "alice"),
                    Map.entry("warrant.revocation_ids", List.of("rev1", "rev2")),
                    Map.entry("mcp.session.id", "s-1"),
                    Map.entry("warrant.latency_us", 1234L),
                    Map.entry("warrant.correlation_id", "c-9")));
        }
    }

    @Test
    void argumentsAreExportedOnlyWhenTheAuditLogIncludesThem() {
        InMemoryLogRecordExporter exported = InMemoryLogRecordExporter.create();
        try (SdkLoggerProvider provider = SdkLoggerProvider.builder()
                .addLogRecordProcessor(SimpleLogRecordProcessor.create(exported)).build()) {
            Logger logger = provider.get("dev.warrant");
            new TelemetryAuditSink(AuditSink.NONE, logger, false).record(record("allow", "allowed"));
            new TelemetryAuditSink(AuditSink.NONE, logger, true).record(record("allow", "allowed"));
            AttributeKey<String> arguments = AttributeKey.stringKey("warrant.arguments");
            List<LogRecordData> logs = exported.getFinishedLogRecordItems();
            assertThat(logs.get(0).getAttributes().get(arguments)).isNull();
            assertThat(logs.get(1).getAttributes().get(arguments)).isEqualTo("{\"path\":\"/secret/1\"}");
        }
    }

    @Test
    void aFailingExporterOrLoggerNeverCostsTheAuditLineOrItsAcknowledgement() throws Exception {
        Path file = dir.resolve("audit.log");
        LogRecordExporter failing = new LogRecordExporter() {
            @Override
            public CompletableResultCode export(Collection<LogRecordData> logs) {
                throw new IllegalStateException("collector down");
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
        Logger throwing = () -> {
            throw new IllegalStateException("logger broken");
        };
        try (SdkLoggerProvider provider = SdkLoggerProvider.builder()
                .addLogRecordProcessor(SimpleLogRecordProcessor.create(failing)).build();
             JsonLinesAuditLog log = new JsonLinesAuditLog(file)) {
            AuditSink viaFailingExporter = new TelemetryAuditSink(log, provider.get("dev.warrant"), false);
            AuditSink viaThrowingLogger = new TelemetryAuditSink(log, throwing, false);
            viaFailingExporter.record(record("deny", "constraint_failed")).toCompletableFuture().get(5, TimeUnit.SECONDS);
            viaThrowingLogger.record(record("allow", "allowed")).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(viaThrowingLogger.healthy()).isTrue();
            assertThat(Files.readAllLines(file)).extracting(l -> new JsonObject(l).getString("decision"))
                    .containsExactly("deny", "allow");
        }
    }

    @Test
    void withoutALogsExporterTheAuditLogIsNotWrapped() {
        try (Telemetry telemetry = Telemetry.autoConfigured("m-1", Map.of())) {
            assertThat(telemetry.logger()).isEmpty();
            assertThat(TelemetryAuditSink.exporting(AuditSink.NONE, telemetry, AuditSettings.defaults()))
                    .isSameAs(AuditSink.NONE);
        }
        try (Telemetry telemetry = Telemetry.autoConfigured("m-1", Map.of("otel.logs.exporter", "otlp",
                "otel.exporter.otlp.endpoint", "http://127.0.0.1:9"))) {
            assertThat(telemetry.logger()).isPresent();
            assertThat(TelemetryAuditSink.exporting(AuditSink.NONE, telemetry, AuditSettings.defaults()))
                    .isInstanceOf(TelemetryAuditSink.class);
        }
    }
}
