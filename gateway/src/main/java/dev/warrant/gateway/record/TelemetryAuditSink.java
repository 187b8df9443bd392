package dev.warrant.gateway.record;

import dev.warrant.otel.McpAttributes;
import dev.warrant.otel.Telemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An audit sink that also emits every record as an OpenTelemetry log record (docs/ARCHITECTURE.md §11.31), then
 * hands it to the audit log it wraps, whose answer it returns unchanged. The log record carries the audit line's
 * fields as attributes ({@link McpAttributes}), never the token, the arguments only when configured, and the
 * request's span as its trace context.
 *
 * <p>Emitting only queues (the SDK's batch processor; its exporter runs on its own thread, and drops when its
 * queue is full), so it never blocks the event loop; a logger that throws is logged and the record still reaches
 * the audit log.
 */
public final class TelemetryAuditSink implements AuditSink {

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(TelemetryAuditSink.class);

    private final AuditSink audit;
    private final Logger logger;
    private final boolean includeArguments;
    /** Failures to emit, so that a broken logger warns once per power of two instead of once per call. */
    private final AtomicLong failures = new AtomicLong();

    public TelemetryAuditSink(AuditSink audit, Logger logger, boolean includeArguments) {
        this.audit = audit;
        this.logger = logger;
        this.includeArguments = includeArguments;
    }

    /** {@code audit}, also exported when {@code telemetry} has a logs exporter; {@code audit} itself otherwise. */
    public static AuditSink exporting(AuditSink audit, Telemetry telemetry, AuditSettings settings) {
        return telemetry.logger().<AuditSink>map(l -> new TelemetryAuditSink(audit, l, settings.includeArguments()))
                .orElse(audit);
    }

    @Override
    public CompletionStage<Void> record(AuditRecord record) {
        export(record);
        return audit.record(record);
    }

    @Override
    public CompletionStage<AuditReceipt> recordWithReceipt(AuditRecord record) {
        export(record);
        return audit.recordWithReceipt(record);
    }

    private void export(AuditRecord record) {
        try {
            emit(record);
        } catch (RuntimeException e) {
            long n = failures.incrementAndGet();
            if (Long.bitCount(n) == 1) {
                LOG.warn("exporting an audit record as a log record failed ({} so far): {}", n, e.toString());
            }
        }
    }

    private void emit(AuditRecord r) {
        LogRecordBuilder log = logger.logRecordBuilder()
                .setEventName(McpAttributes.AUDIT_EVENT_NAME)
                .setTimestamp(r.time())
                .setSeverity(severity(r.decision()))
                .setSeverityText(severity(r.decision()).name())
                .setBody(body(r));
        if (r.traceId() != null && r.spanId() != null) {
            SpanContext span = SpanContext.create(r.traceId(), r.spanId(), TraceFlags.getDefault(),
                    TraceState.getDefault());
            if (span.isValid()) {
                log.setContext(Context.root().with(Span.wrap(span)));
            }
        }
        put(log, McpAttributes.WARRANT_DECISION, r.decision());
        put(log, McpAttributes.WARRANT_REASON, r.reason());
        put(log, McpAttributes.WARRANT_POLICY, r.policy());
        put(log, McpAttributes.WARRANT_CALLER, r.caller());
        put(log, McpAttributes.WARRANT_CHAIN, r.chain().isEmpty() ? null : r.chain());
        put(log, McpAttributes.WARRANT_TASK, r.task());
        put(log, McpAttributes.MCP_METHOD_NAME, r.method());
        put(log, McpAttributes.WARRANT_TARGET, r.target());
        put(log, McpAttributes.WARRANT_ARGUMENT_DIGEST, r.argumentDigest());
        put(log, McpAttributes.WARRANT_RISK_TIER, r.riskTier());
        put(log, McpAttributes.WARRANT_APPROVAL_ID, r.approvalId());
        put(log, McpAttributes.WARRANT_APPROVER, r.approver());
        put(log, McpAttributes.WARRANT_APPROVER_REASON, r.approverReason());
        put(log, McpAttributes.WARRANT_REVOCATION_IDS, r.revocationIds().isEmpty() ? null : r.revocationIds());
        put(log, McpAttributes.MCP_SESSION_ID, r.sessionId());
        put(log, McpAttributes.WARRANT_LATENCY_MICROS, r.latencyMicros());
        put(log, McpAttributes.WARRANT_CORRELATION_ID, r.correlationId());
        if (includeArguments && r.arguments() != null) {
            put(log, McpAttributes.WARRANT_ARGUMENTS, r.arguments().encode());
        }
        log.emit();
    }

    /** Allowed calls are routine; denials are what an operator watches; errors and alerts need someone. */
    static Severity severity(String decision) {
        return switch (decision == null ? "" : decision) {
            case "allow" -> Severity.INFO;
            case "deny" -> Severity.WARN;
            default -> Severity.ERROR;
        };
    }

    /** One line a person reads in a log view, e.g. {@code deny tools/call notes__read_note: constraint_failed}. */
    private static String body(AuditRecord r) {
        StringBuilder b = new StringBuilder(64).append(r.decision()).append(' ').append(r.method());
        if (r.target() != null) {
            b.append(' ').append(r.target());
        }
        return b.append(": ").append(r.reason()).toString();
    }

    private static <T> void put(LogRecordBuilder log, AttributeKey<T> key, T value) {
        if (value != null) {
            log.setAttribute(key, value);
        }
    }

    @Override
    public boolean healthy() {
        return audit.healthy();
    }

    @Override
    public void close() {
        audit.close();
    }
}
