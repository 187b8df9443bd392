package dev.warrant.gateway.approval;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.transport.JsonRpc;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * One call waiting for a human. While it waits the agent hears from it every few seconds
 * ({@code notifications/progress} when the request carried a progress token, else {@code notifications/message},
 * or an SSE comment for a 2026-07-28 request that set no log level),
 * which also turns the response into an SSE stream. It ends exactly once: approved (the call proceeds), denied,
 * timed out, or withdrawn because the client cancelled it or its session ended (answered {@code revoked} when
 * the session ended because its token was revoked).
 *
 * <p>Concurrency: everything here runs on the exchange's event-loop context; triggers from other threads (the
 * cluster listener, cancellation) hop onto it first.
 */
final class HeldCall {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HeldCall.class);

    private final Vertx vertx;
    private final ClusterApprovals approvals;
    private final McpExchange exchange;
    private final PendingApproval pending;
    private final Duration timeout;
    private final Duration notifyEvery;
    private final ApprovalNotifier notifier;
    private final Promise<PendingApproval> decided = Promise.promise();
    private final Context context;
    private boolean settling;
    private int ticks;

    HeldCall(Vertx vertx, ClusterApprovals approvals, McpExchange exchange, PendingApproval pending,
             Duration timeout, Duration notifyEvery, ApprovalNotifier notifier) {
        this.vertx = vertx;
        this.approvals = approvals;
        this.exchange = exchange;
        this.pending = pending;
        this.timeout = timeout;
        this.notifyEvery = notifyEvery;
        this.notifier = notifier;
        this.context = vertx.getOrCreateContext();
    }

    /** Publishes the pending approval and completes with the approved entry, or fails with the reason it ended. */
    Future<PendingApproval> start() {
        Object requestId = exchange.request().id();
        long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> settle(Reason.APPROVAL_TIMEOUT));
        long ticker = vertx.setPeriodic(Math.max(1, notifyEvery.toMillis()), t -> tellWaiting());
        var scope = exchange.callScope();
        if (scope != null) {
            // notifications/cancelled and a closed session or request both arrive here: the request is withdrawn,
            // for the reason the gateway ended it when it did (e.g. the token was revoked).
            scope.trackCall(requestId, () -> context.runOnContext(v -> settle(
                    scope.endReason() == null ? Reason.CANCELLED : scope.endReason())));
        }
        // A client that drops its connection withdraws the request too (issue 5), instead of leaving it
        // pending for an approver until the timeout.
        exchange.channel().onClientGone(() -> context.runOnContext(v -> settle(Reason.CANCELLED)));
        approvals.open(pending, decision -> context.runOnContext(v -> settle(Reason.APPROVAL_TIMEOUT)))
                .onSuccess(v -> {
                    tellWaiting();
                    tellApprovers();
                })
                .onFailure(e -> {
                    settling = true;
                    decided.tryFail(WarrantException.wrap(e));
                });
        return decided.future().andThen(ar -> {
            vertx.cancelTimer(timer);
            vertx.cancelTimer(ticker);
            if (scope != null) {
                scope.untrackCall(requestId);
            }
        });
    }

    /**
     * Takes the entry out of the cluster and ends the call by what it held; {@code ifStillPending} is the reason
     * when nobody decided (timeout or withdrawal). Only the first trigger acts.
     */
    private void settle(Reason ifStillPending) {
        if (settling) {
            return;
        }
        settling = true;
        approvals.settle(pending.id()).onComplete(ar -> {
            if (ar.failed()) {
                decided.tryFail(WarrantException.wrap(ar.cause()));
                return;
            }
            PendingApproval last = ar.result();
            if (ifStillPending == Reason.REVOKED) {
                // The token was revoked while the call waited: even an approval that raced in does not release it.
                decided.tryFail(WarrantException.of(Reason.REVOKED, "approval " + pending.id() + " withdrawn: token revoked"));
                return;
            }
            PendingApproval.Status status = last == null ? PendingApproval.Status.PENDING : last.status();
            switch (status) {
                case APPROVED -> decided.tryComplete(last);
                case DENIED -> {
                    // The audit line names who denied the call and why, as it does for an approval.
                    exchange.decidedBy(last.approver(), last.decisionReason());
                    decided.tryFail(WarrantException.of(Reason.APPROVAL_DENIED,
                        "approval " + pending.id() + " denied by " + last.approver()
                                + (last.decisionReason() == null ? "" : ": " + last.decisionReason())));
                }
                case PENDING -> decided.tryFail(ifStillPending == Reason.APPROVAL_TIMEOUT
                        ? WarrantException.of(Reason.APPROVAL_TIMEOUT, "approval " + pending.id()
                                + " not granted within " + timeout)
                        : WarrantException.of(ifStillPending, "approval " + pending.id() + " withdrawn"));
            }
        });
    }

    /** Once the approvers can find the call (the webhooks); whatever happens there, the call waits on. */
    private void tellApprovers() {
        try {
            notifier.held(pending);
        } catch (RuntimeException e) {
            LOG.warn("approvers not told of approval {}", pending.id(), e);
        }
    }

    private void tellWaiting() {
        if (settling) {
            return;
        }
        ticks++;
        String message = "waiting for human approval " + pending.id() + " of " + pending.tool();
        Object progressToken = exchange.request().params().getValue("_meta") instanceof JsonObject meta
                ? meta.getValue("progressToken") : null;
        if (progressToken != null) {
            exchange.channel().notify(JsonRpc.notification("notifications/progress", new JsonObject()
                    .put("progressToken", progressToken).put("progress", ticks).put("message", message)));
        } else if (exchange.envelope() != null && !exchange.envelope().wantsLog("info")) {
            // A 2026-07-28 client gets log messages only at the level it asked for in this request.
            exchange.channel().keepAlive(message);
        } else {
            exchange.channel().notify(JsonRpc.notification("notifications/message", new JsonObject()
                    .put("level", "info").put("logger", "warrant")
                    .put("data", new JsonObject().put("message", message).put("approval", pending.id())
                            .put("status", "pending"))));
        }
    }
}
