package dev.warrant.gateway.record;

import dev.warrant.gateway.pipeline.OnCallerContext;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.Stage;
import dev.warrant.gateway.pipeline.StageKind;
import dev.warrant.gateway.trace.TraceStage;
import dev.warrant.policies.Verdict;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Outermost stage: whatever happened further in — allowed, denied, failed upstream, refused token — ends
 * here: the observer sees it (spans and metrics: {@link TelemetryObserver}), then one audit record is written
 * with the span's trace id (and span id, for the exported log record: {@link TelemetryAuditSink}). Recording never changes the outcome and never throws. The answer is released only
 * when the audit sink acknowledges the record (see {@link JsonLinesAuditLog} for what that guarantees); an answer
 * to a tools/call then carries the line's signed receipt ({@link Receipts}, docs/ARCHITECTURE.md §11.37).
 */
public final class RecordStage implements Stage {

    private static final Logger LOG = LoggerFactory.getLogger(RecordStage.class);

    private final GatewayObserver observer;
    private final AuditSink audit;
    private final boolean refuseWhenAuditFails;

    /** Refusing every request while the audit sink cannot write (no audit, no action). */
    public RecordStage(GatewayObserver observer, AuditSink audit) {
        this(observer, audit, true);
    }

    /** @param refuseWhenAuditFails {@code audit.onFailure: refuse}; false answers and only logs the failures */
    public RecordStage(GatewayObserver observer, AuditSink audit, boolean refuseWhenAuditFails) {
        this.observer = observer;
        this.audit = audit;
        this.refuseWhenAuditFails = refuseWhenAuditFails;
    }

    @Override
    public StageKind kind() {
        return StageKind.RECORD;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
        // No audit, no action: while the log cannot be written, nothing further in runs (no token check, no
        // upstream call). The refusal is recorded like any outcome, and that write is the probe: the first
        // one that succeeds ends the refusals. A call already forwarded when a write fails is still answered:
        // its action happened; it is the next ones that are refused.
        Future<JsonObject> result = refuseWhenAuditFails && !audit.healthy()
                ? Future.failedFuture(WarrantException.of(Reason.AUDIT_UNAVAILABLE, "the audit log cannot be written"))
                : chain.proceed(exchange);
        return result.transform(outcome -> {
            // Back in this stage: what the observer writes (a span for an early refusal) is this stage's.
            exchange.enter(RecordStage.class.getSimpleName());
            CompletionStage<?> written;
            try {
                written = record(exchange, outcome);
            } catch (RuntimeException e) {
                LOG.warn("recording {} failed: {}", exchange.method(), e.toString());
                written = AuditSink.DONE;
            }
            CompletableFuture<?> done = written.toCompletableFuture();
            if (done.isDone()) {
                return answer(outcome, done.getNow(null));
            }
            // The answer leaves only once the audit line is written (and fsync'd for denials and approvals),
            // so a crash never loses the record of an answered call. The writer thread acknowledges (with the
            // tools/call's signed receipt); the event loop is never blocked: the answer continues on the
            // request's own context.
            return OnCallerContext.future(written).transform(w -> answer(outcome, w.succeeded() ? w.result() : null));
        });
    }

    /** The outcome as answered, with the receipt (docs/ARCHITECTURE.md §11.37) when the audit sink signed one. */
    private static Future<JsonObject> answer(AsyncResult<JsonObject> outcome, Object written) {
        if (!(written instanceof AuditReceipt receipt)) {
            return outcome.succeeded() ? Future.succeededFuture(outcome.result()) : Future.failedFuture(outcome.cause());
        }
        return outcome.succeeded() ? Future.succeededFuture(Receipts.onResult(outcome.result(), receipt))
                : Future.failedFuture(Receipts.onError(WarrantException.wrap(outcome.cause()), receipt));
    }

    private CompletionStage<?> record(McpExchange ex, AsyncResult<JsonObject> outcome) {
        WarrantException failure = outcome.failed() ? WarrantException.wrap(outcome.cause()) : null;
        if (outcome.failed() && !(outcome.cause() instanceof WarrantException)) {
            LOG.error("unexpected failure handling {}", ex.method(), outcome.cause());
        }
        String decision = decision(ex, failure);
        String reason = failure != null ? failure.reason().code()
                : ex.verdict() != null ? ex.verdict().reason() : Verdict.ALLOWED;
        long endNanos = nowEpochNanos();
        try {
            observer.completed(ex, new GatewayObserver.Outcome(decision, reason,
                    failure == null ? null : failure.reason().code(), endNanos));
        } catch (RuntimeException e) {
            LOG.warn("observer failed on {}: {}", ex.method(), e.toString());
        }

        VerifiedToken token = ex.token();
        Span span = ex.span();
        boolean traced = span != null && span.getSpanContext().isValid();
        Object arguments = ex.request().params().getValue("arguments");
        AuditRecord record = new AuditRecord(
                Instant.now(),
                decision,
                reason,
                ex.verdict() == null ? null : ex.verdict().policy().orElse(null),
                token == null ? null : token.caller(),
                token == null ? List.of() : token.chain(),
                token == null ? null : token.task().orElse(null),
                ex.method(),
                TraceStage.target(ex),
                ArgumentDigest.of(arguments),
                ex.target() == null || ex.target().risk() == null ? null : ex.target().risk().code(),
                ex.approvalId(),
                ex.approver(),
                ex.approverReason(),
                token == null ? List.of() : token.revocationIds(),
                traced ? span.getSpanContext().getTraceId() : null,
                ex.session() == null ? null : ex.session().id(),
                (endNanos - ex.startEpochNanos()) / 1000,
                arguments instanceof JsonObject o ? o : null,
                ex.correlationId(),
                traced ? span.getSpanContext().getSpanId() : null);
        boolean receipt = Receipts.wanted(ex) && (outcome.failed() || !Receipts.intermediate(ex, outcome.result()));
        return receipt ? audit.recordWithReceipt(record) : audit.record(record);
    }

    private static String decision(McpExchange ex, WarrantException failure) {
        if (failure == null) {
            return "allow";
        }
        if (failure.reason().isDenial()) {
            return "deny";
        }
        // Allowed by policy but failed later (upstream error, timeout, bad params).
        return ex.verdict() != null && ex.verdict().allowed() ? "allow" : "error";
    }

    static long nowEpochNanos() {
        Instant now = Instant.now();
        return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    }
}
