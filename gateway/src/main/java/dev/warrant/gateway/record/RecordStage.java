package dev.warrant.gateway.record;

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

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Outermost stage: whatever happened further in — allowed, denied, failed upstream, refused token — ends
 * here: the observer sees it (spans and metrics: {@link TelemetryObserver}), then one audit record is written
 * with the span's trace id. Recording never changes the outcome and never throws.
 */
public final class RecordStage implements Stage {

    private static final Logger LOG = LoggerFactory.getLogger(RecordStage.class);

    private final GatewayObserver observer;
    private final AuditSink audit;

    public RecordStage(GatewayObserver observer, AuditSink audit) {
        this.observer = observer;
        this.audit = audit;
    }

    @Override
    public StageKind kind() {
        return StageKind.RECORD;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
        return chain.proceed(exchange).andThen(outcome -> {
            try {
                record(exchange, outcome);
            } catch (RuntimeException e) {
                LOG.warn("recording {} failed: {}", exchange.method(), e.toString());
            }
        });
    }

    private void record(McpExchange ex, AsyncResult<JsonObject> outcome) {
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
        audit.record(new AuditRecord(
                Instant.now(),
                decision,
                reason,
                token == null ? null : token.caller(),
                token == null ? List.of() : token.chain(),
                token == null ? null : token.task().orElse(null),
                ex.method(),
                TraceStage.target(ex),
                argumentDigest(ex.request().params().getValue("arguments")),
                token == null ? List.of() : token.revocationIds(),
                span != null && span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : null,
                ex.session() == null ? null : ex.session().id(),
                (endNanos - ex.startEpochNanos()) / 1000));
    }

    private static String decision(McpExchange ex, WarrantException failure) {
        if (failure == null) {
            return "allow";
        }
        Reason r = failure.reason();
        if (r.isAuthentication() || r.httpStatus() == 403 || r == Reason.UNKNOWN_TOOL
                || r == Reason.UNKNOWN_PROMPT || r == Reason.UNKNOWN_RESOURCE || r == Reason.SESSION_OWNER_MISMATCH) {
            return "deny";
        }
        // Allowed by policy but failed later (upstream error, timeout, bad params).
        return ex.verdict() != null && ex.verdict().allowed() ? "allow" : "error";
    }

    /** SHA-256 of the canonical JSON of the arguments: lets auditors match calls without storing values. */
    private static String argumentDigest(Object arguments) {
        if (arguments == null) {
            return null;
        }
        try {
            String json = arguments instanceof JsonObject o ? o.encode() : String.valueOf(arguments);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            return null;
        }
    }

    static long nowEpochNanos() {
        Instant now = Instant.now();
        return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    }
}
