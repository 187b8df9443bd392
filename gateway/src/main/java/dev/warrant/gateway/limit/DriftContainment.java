package dev.warrant.gateway.limit;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.cluster.ClusterRevocations;
import dev.warrant.gateway.cluster.Revocation;
import dev.warrant.gateway.cluster.RevocationIncompleteException;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.record.AuditRecord;
import dev.warrant.gateway.record.AuditSink;
import dev.warrant.gateway.record.GatewayObserver;
import dev.warrant.gateway.trace.TraceStage;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Drift containment (docs/ARCHITECTURE.md §4.4): counts each caller's denials in a sliding window; the denial that passes the
 * threshold quarantines the caller — every token naming it is revoked by agent, cluster-wide, for the maximum
 * token TTL — and writes an {@code alert} audit record with reason {@value #REASON}
 * ({@value #REASON_INCOMPLETE} when not every member confirmed; the entry then still spreads).
 *
 * <p>Counted: authorization denials of an authenticated caller (not refused tokens — a quarantined caller's
 * 401s must not trip it again — and not rate limiting, which has its own answer).
 *
 * <p>Concurrency: {@link #completed} runs on the request's event loop and only counts (cheap, never throws; a
 * cluster-wide count answers later, after the denial went out); the revocation blocks until every member
 * confirmed, so it runs on a worker. Across members the count means what the rate limits mean
 * ({@code limits.scope}, {@link DenialCounter}).
 */
public final class DriftContainment implements GatewayObserver {

    private static final Logger LOG = LoggerFactory.getLogger(DriftContainment.class);
    public static final String DECISION = "alert";
    public static final String REASON = "drift_quarantine";
    public static final String REASON_INCOMPLETE = "drift_quarantine_incomplete";

    private final DenialCounter denials;
    private final Vertx vertx;
    private final ClusterRevocations revocations;
    private final AuditSink audit;
    private final Clock clock;
    private final Duration maxTokenTtl;

    public DriftContainment(DenialCounter denials, Vertx vertx, ClusterRevocations revocations, AuditSink audit,
                            Clock clock, Duration maxTokenTtl) {
        this.denials = denials;
        this.vertx = vertx;
        this.revocations = revocations;
        this.audit = audit;
        this.clock = clock;
        this.maxTokenTtl = maxTokenTtl;
    }

    @Override
    public void completed(McpExchange exchange, Outcome outcome) {
        VerifiedToken token = exchange.token();
        Reason reason = Reason.fromCode(outcome.reason());
        if (token == null || !"deny".equals(outcome.decision()) || reason.isAuthentication()
                || reason == Reason.RATE_LIMITED) {
            return;
        }
        // Read the exchange here, on its event loop; the count may answer later and the worker only sees these values.
        Offence offence = Offence.of(exchange, token);
        denials.deny(token.caller()).onSuccess(tripped -> {
            if (tripped) {
                quarantine(offence);
            }
        }).onFailure(e -> LOG.error("drift count for {} failed: {}", token.caller(), e.toString()));
    }

    /** What the alert records of the denial that tripped the threshold. */
    /** The denial that tripped the limit; its span becomes the alert's trace context when exported. */
    private record Offence(VerifiedToken token, String traceId, String spanId, String sessionId, String method,
                           String target) {

        static Offence of(McpExchange ex, VerifiedToken token) {
            Span span = ex.span();
            boolean traced = span != null && span.getSpanContext().isValid();
            return new Offence(token, traced ? span.getSpanContext().getTraceId() : null,
                    traced ? span.getSpanContext().getSpanId() : null,
                    ex.session() == null ? null : ex.session().id(), ex.method(), TraceStage.target(ex));
        }
    }

    private void quarantine(Offence offence) {
        VerifiedToken token = offence.token();
        String caller = token.caller();
        String why = "drift: more than " + denials.threshold().maxDenials() + " denials within "
                + denials.threshold().window();
        LOG.warn("quarantining caller {} ({})", caller, why);
        vertx.executeBlocking(() -> {
            String reason = REASON;
            try {
                revocations.revoke(Revocation.ofAgent(caller, Optional.empty(), clock.instant(), maxTokenTtl, why));
            } catch (RevocationIncompleteException e) {
                LOG.error("quarantine of {} not confirmed by every member: {}", caller, e.getMessage());
                reason = REASON_INCOMPLETE;
            }
            audit.record(new AuditRecord(clock.instant(), DECISION, reason, null, caller, token.chain(),
                    token.task().orElse(null), offence.method(), offence.target(), null, null, null, null, null,
                    token.revocationIds(), offence.traceId(), offence.sessionId(), 0, null, null, offence.spanId()));
            return null;
        }, false).onFailure(e -> LOG.error("quarantine of {} failed: {}", caller, e.toString()));
    }
}
