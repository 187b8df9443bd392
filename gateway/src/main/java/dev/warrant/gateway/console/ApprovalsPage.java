package dev.warrant.gateway.console;

import dev.warrant.gateway.approval.ApprovalApi;
import dev.warrant.gateway.approval.ClusterApprovals;
import dev.warrant.gateway.approval.PendingApproval;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.List;

/**
 * Held calls, live (docs/ARCHITECTURE.md §12.3). {@value ApprovalApi#READ} sees them; {@value ApprovalApi#WRITE}
 * decides them, with an optional reason, and is recorded as the approver. The agent's call completes or fails as
 * soon as the decision is in the cluster map, whichever member holds it.
 */
final class ApprovalsPage {

    static final String PATH = "/console/approvals";

    private final Vertx vertx;
    private final ConsoleGuard guard;
    private final ClusterApprovals approvals;
    private final ConsoleAudit audit;
    private final OpenStreams streams;

    ApprovalsPage(Vertx vertx, ConsoleGuard guard, ClusterApprovals approvals, ConsoleAudit audit,
                  OpenStreams streams) {
        this.vertx = vertx;
        this.streams = streams;
        this.guard = guard;
        this.approvals = approvals;
        this.audit = audit;
    }

    void routes(Router router, BodyHandler forms) {
        router.get(PATH).handler(this::page);
        router.get(PATH + "/events").handler(this::events);
        router.get(PATH + "/:id").handler(this::page);
        router.post(PATH + "/:id/approve").handler(forms).handler(ctx -> decide(ctx, PendingApproval.Status.APPROVED));
        router.post(PATH + "/:id/deny").handler(forms).handler(ctx -> decide(ctx, PendingApproval.Status.DENIED));
    }

    /** The list; under {@code /:id} (the link a webhook sends) with that held call first and marked. */
    private void page(RoutingContext ctx) {
        String focus = ctx.pathParam("id");
        guard.operator(ctx, ApprovalApi.READ).compose(op -> approvals.pending().map(list -> render(op, list, focus)))
                .onSuccess(html -> Responses.html(ctx, 200, html))
                .onFailure(e -> ConsoleErrors.send(ctx, e));
    }

    private String render(Operator op, List<PendingApproval> pending, String focus) {
        boolean mayDecide = guard.may(op.token(), ApprovalApi.WRITE);
        StringBuilder items = new StringBuilder();
        boolean focusPending = false;
        for (PendingApproval p : pending) {
            if (p.id().equals(focus)) {
                focusPending = true;
                items.insert(0, ApprovalView.html(p, op.csrf(), mayDecide));
            } else {
                items.append(ApprovalView.html(p, op.csrf(), mayDecide));
            }
        }
        String notice = focus != null && !focusPending
                ? "<p class=\"notice\" role=\"status\">Approval " + Html.text(focus)
                        + " is no longer pending: it was decided, timed out or withdrawn.</p>" : "";
        String body = "<h1>Held calls</h1>" + notice
                + (mayDecide ? "" : "<p class=\"notice\" id=\"read-only\">You may see held calls but not decide them"
                        + " (your token lacks " + ApprovalApi.WRITE + ").</p>")
                + "<p class=\"empty\" id=\"no-approvals\">No call is waiting for a human.</p>"
                + "<section id=\"approvals\" data-events=\"" + PATH + "/events\">" + items + "</section>";
        return Layout.page("Approvals", op, guard, ConsolePage.APPROVALS, body);
    }

    private void events(RoutingContext ctx) {
        guard.operator(ctx, ApprovalApi.READ)
                .onSuccess(op -> new ApprovalStream(vertx, approvals, guard, ctx, op, streams).start())
                .onFailure(e -> ConsoleErrors.send(ctx, e));
    }

    private void decide(RoutingContext ctx, PendingApproval.Status outcome) {
        String id = ctx.pathParam("id");
        String reason = FormText.oneLine(ctx.request().getFormAttribute("reason"));
        String action = outcome == PendingApproval.Status.APPROVED ? "approve" : "deny";
        // The answer waits for the console's own audit line (synced, as approval decisions are).
        guard.change(ctx, ApprovalApi.WRITE).compose(op -> approvals.resolve(id, outcome, op.name(), reason)
                        .compose(decided -> audit.action(op, action, decided.tool(), "allow", "allowed", id)
                                .map(decided)))
                .onSuccess(decided -> {
                    if (ConsoleErrors.isHtmx(ctx)) {
                        Responses.html(ctx, 200, ApprovalView.decided(decided));
                    } else {
                        Responses.redirect(ctx, PATH);
                    }
                })
                .onFailure(e -> ConsoleErrors.send(ctx, e));
    }
}
