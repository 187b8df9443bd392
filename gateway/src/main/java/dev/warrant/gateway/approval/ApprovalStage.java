package dev.warrant.gateway.approval;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.config.RiskRules;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.Stage;
import dev.warrant.gateway.pipeline.StageKind;
import dev.warrant.gateway.record.ArgumentDigest;
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
    private final boolean showArguments;
    private final ApprovalNotifier notifier;

    public ApprovalStage(Vertx vertx, RiskRules rules, ClusterApprovals approvals, String memberId, Clock clock,
                         Duration notifyEvery) {
        this(vertx, rules, approvals, memberId, clock, notifyEvery, new HeldCallQuota(HeldCallQuota.DEFAULT_PER_GRANT));
    }

    public ApprovalStage(Vertx vertx, RiskRules rules, ClusterApprovals approvals, String memberId, Clock clock,
                         Duration notifyEvery, HeldCallQuota quota) {
        this(vertx, rules, approvals, memberId, clock, notifyEvery, quota, false, ApprovalNotifier.NONE);
    }

    /**
     * @param showArguments whether a held call carries its arguments to approvers ({@code approvals.showArguments})
     * @param notifier      told of each call held here, once it is published (the webhooks)
     */
    public ApprovalStage(Vertx vertx, RiskRules rules, ClusterApprovals approvals, String memberId, Clock clock,
                         Duration notifyEvery, HeldCallQuota quota, boolean showArguments, ApprovalNotifier notifier) {
        this.showArguments = showArguments;
        this.notifier = notifier;
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
        PendingApproval pending = pending(java.util.UUID.randomUUID().toString(), token, tool.exposedName(),
                tool.risk().code(), exchange.verdict() == null ? null : exchange.verdict().policy().orElse(null),
                exchange.request().params().getValue("arguments"), showArguments, clock.instant(),
                rule.approvalTimeout(), memberId);
        // The audit line names the approval whatever happens to it (approved, denied, timed out, withdrawn).
        exchange.approvalId(pending.id());
        Future<PendingApproval> decided;
        try {
            decided = new HeldCall(vertx, approvals, exchange, pending, rule.approvalTimeout(), notifyEvery, notifier)
                    .start();
        } catch (RuntimeException e) {
            quota.release(grant);
            throw e;
        }
        return decided.onComplete(ignored -> quota.release(grant))
                .compose(approved -> {
                    exchange.decidedBy(approved.approver(), approved.decisionReason());
                    return chain.proceed(exchange);
                });
    }

    /** The entry approvers see for a call held now; its arguments only when the operator shows them. */
    static PendingApproval pending(String id, VerifiedToken token, String tool, String riskTier, String policy,
                                   Object arguments, boolean showArguments, Instant now, Duration timeout,
                                   String memberId) {
        return new PendingApproval(id, token.caller(), token.chain(), token.revocationIds(),
                token.task().orElse(null), tool, ArgumentDigest.of(arguments), now.toEpochMilli(),
                now.plus(timeout).toEpochMilli(), memberId, PendingApproval.Status.PENDING, null, riskTier, policy,
                showArguments && arguments != null ? shown(arguments) : null, null);
    }

    private static String shown(Object arguments) {
        return arguments instanceof JsonObject o ? o.encode() : io.vertx.core.json.Json.encode(arguments);
    }
}
