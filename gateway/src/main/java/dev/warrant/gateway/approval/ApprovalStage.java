package dev.warrant.gateway.approval;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.config.RiskRules;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.Stage;
import dev.warrant.gateway.pipeline.StageKind;
import dev.warrant.gateway.upstream.ToolEntry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Risk-tier rules after the policy allowed a tool call (docs/ARCHITECTURE.md §4.3): the tier of the target tool may require
 * fresh authorization (a token minted recently) and/or a human approval, per {@link RiskRules}. Tiers without
 * rules, other methods and the gateway's built-in tools pass straight on.
 *
 * <p>A call that needs approval is held (see {@link HeldCall}) without blocking the event loop.
 */
public final class ApprovalStage implements Stage {

    /** How often a held call tells its agent it is still waiting. */
    public static final Duration NOTIFY_EVERY = Duration.ofSeconds(2);

    private final Vertx vertx;
    private final RiskRules rules;
    private final ClusterApprovals approvals;
    private final String memberId;
    private final Clock clock;
    private final Duration notifyEvery;
    private final HeldCallQuota quota;

    public ApprovalStage(Vertx vertx, RiskRules rules, ClusterApprovals approvals, String memberId, Clock clock,
                         Duration notifyEvery) {
        this(vertx, rules, approvals, memberId, clock, notifyEvery, new HeldCallQuota(HeldCallQuota.DEFAULT_PER_GRANT));
    }

    public ApprovalStage(Vertx vertx, RiskRules rules, ClusterApprovals approvals, String memberId, Clock clock,
                         Duration notifyEvery, HeldCallQuota quota) {
        this.quota = quota;
        this.vertx = vertx;
        this.rules = rules;
        this.approvals = approvals;
        this.memberId = memberId;
        this.clock = clock;
        this.notifyEvery = notifyEvery;
    }

    @Override
    public StageKind kind() {
        return StageKind.APPROVE;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
        ToolEntry tool = exchange.target();
        if (!"tools/call".equals(exchange.method()) || tool == null) {
            return chain.proceed(exchange);
        }
        RiskRules.Rule rule = rules.rule(tool.risk());
        VerifiedToken token = exchange.token();
        if (rule.freshAuthorization().isPresent()) {
            Duration age = Duration.between(token.issuedAt(), clock.instant());
            Duration limit = rule.freshAuthorization().get();
            if (age.compareTo(limit) > 0) {
                throw WarrantException.of(Reason.AUTHORIZATION_STALE, tool.exposedName() + " is " + tool.risk().code()
                        + " risk: it needs a token minted within " + limit + ", this one is " + age.toSeconds() + " s old");
            }
        }
        if (!rule.approval()) {
            return chain.proceed(exchange);
        }
        String grant = token.grant();
        quota.acquire(grant);
        Instant now = clock.instant();
        PendingApproval pending = new PendingApproval(java.util.UUID.randomUUID().toString(), token.caller(),
                token.chain(), token.revocationIds(), token.task().orElse(null), tool.exposedName(),
                PendingApproval.digest(exchange.request().params().getValue("arguments")),
                now.toEpochMilli(), now.plus(rule.approvalTimeout()).toEpochMilli(), memberId,
                PendingApproval.Status.PENDING, null);
        // The audit line names the approval whatever happens to it (approved, denied, timed out, withdrawn).
        exchange.approvalId(pending.id());
        Future<PendingApproval> decided;
        try {
            decided = new HeldCall(vertx, approvals, exchange, pending, rule.approvalTimeout(), notifyEvery).start();
        } catch (RuntimeException e) {
            quota.release(grant);
            throw e;
        }
        return decided.onComplete(ignored -> quota.release(grant))
                .compose(approved -> {
                    exchange.approver(approved.approver());
                    return chain.proceed(exchange);
                });
    }
}
