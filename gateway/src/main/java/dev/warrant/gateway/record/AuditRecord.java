package dev.warrant.gateway.record;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;

/**
 * One line of the audit log: who did what, with which authority, under whose approval, and what Warrant
 * decided. Never holds the token. The raw {@code arguments} travel here only so a sink configured with
 * {@link AuditSettings#includeArguments()} can write them; by default only {@code argumentDigest} is written.
 *
 * @param decision     allow, deny or error
 * @param reason       the stable reason code ({@code allowed} when allowed)
 * @param policy       the statement that decided (matched policy or failed check, as on the {@code authorize}
 *                     span's {@code warrant.policy}); null when no policy decided (e.g. authentication failed)
 * @param riskTier     low / medium / high for tool calls, null otherwise
 * @param approvalId   the human approval that released the call, null when none was needed
 * @param approver     who approved or denied the held call, null when none did
 * @param approverReason the approver's own words for that decision, null when none were given
 * @param latencyMicros from the request's arrival to its outcome
 * @param arguments    the call's raw arguments (may be null); written only when configured
 * @param correlationId shared by every round of one multi round-trip request (2026-07-28 {@code input_required}),
 *                     null for a request that is not part of one
 * @param spanId       the request's SERVER span (with {@code traceId}), for the exported log record's trace
 *                     context; not written to the audit line, null when there is no span
 */
public record AuditRecord(Instant time, String decision, String reason, String policy, String caller,
                          List<String> chain, String task, String method, String target, String argumentDigest,
                          String riskTier, String approvalId, String approver, String approverReason,
                          List<String> revocationIds, String traceId, String sessionId, long latencyMicros,
                          JsonObject arguments, String correlationId, String spanId) {

    public AuditRecord {
        chain = chain == null ? List.of() : List.copyOf(chain);
        revocationIds = revocationIds == null ? List.of() : List.copyOf(revocationIds);
    }

    /** A record without a span of its own. */
    public AuditRecord(Instant time, String decision, String reason, String policy, String caller,
                       List<String> chain, String task, String method, String target, String argumentDigest,
                       String riskTier, String approvalId, String approver, List<String> revocationIds,
                       String traceId, String sessionId, long latencyMicros, JsonObject arguments,
                       String correlationId) {
        this(time, decision, reason, policy, caller, chain, task, method, target, argumentDigest, riskTier,
                approvalId, approver, null, revocationIds, traceId, sessionId, latencyMicros, arguments, correlationId,
                null);
    }

    /** A record outside any multi round-trip request. */
    public AuditRecord(Instant time, String decision, String reason, String policy, String caller,
                       List<String> chain, String task, String method, String target, String argumentDigest,
                       String riskTier, String approvalId, String approver, List<String> revocationIds,
                       String traceId, String sessionId, long latencyMicros, JsonObject arguments) {
        this(time, decision, reason, policy, caller, chain, task, method, target, argumentDigest, riskTier,
                approvalId, approver, null, revocationIds, traceId, sessionId, latencyMicros, arguments, null, null);
    }

    /** A record no policy decided (alerts, revoked sessions): {@code policy} is null. */
    public AuditRecord(Instant time, String decision, String reason, String caller, List<String> chain,
                       String task, String method, String target, String argumentDigest, String riskTier,
                       String approvalId, String approver, List<String> revocationIds, String traceId,
                       String sessionId, long latencyMicros, JsonObject arguments) {
        this(time, decision, reason, null, caller, chain, task, method, target, argumentDigest, riskTier,
                approvalId, approver, null, revocationIds, traceId, sessionId, latencyMicros, arguments, null, null);
    }

    /**
     * Denials, approval decisions and alerts (anything but a plain allow or error) must be on stable storage
     * before the agent hears the answer: they are what an auditor reconstructs incidents from, and a crash
     * must not erase them.
     */
    public boolean mustSync() {
        return approvalId != null || !("allow".equals(decision) || "error".equals(decision));
    }
}
