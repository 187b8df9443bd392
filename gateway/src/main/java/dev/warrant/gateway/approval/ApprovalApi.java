package dev.warrant.gateway.approval;

import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.admin.AdminAccess;
import dev.warrant.gateway.admin.AdminErrors;
import dev.warrant.gateway.auth.Authenticator;
import dev.warrant.policies.PolicyEngine;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The approvals part of the admin API, on any member of the cluster:
 * <ul>
 *   <li>{@code GET /admin/approvals} (right {@value #READ}): the pending approvals, oldest first</li>
 *   <li>{@code POST /admin/approvals/{id}/approve} and {@code .../deny} (right {@value #WRITE}): resolves one;
 *       404 {@code approval_unknown} when it is no longer pending</li>
 * </ul>
 * Callers authenticate like on {@link AdminApi}: a Biscuit token with {@code right("admin", "warrant", action)}.
 */
public final class ApprovalApi {

    private static final Logger LOG = LoggerFactory.getLogger(ApprovalApi.class);
    public static final String READ = "approvals.read";
    public static final String WRITE = "approvals.write";

    private final AdminAccess access;
    private final ClusterApprovals approvals;

    public ApprovalApi(Authenticator authenticator, PolicyEngine engine, ClusterApprovals approvals) {
        this.access = new AdminAccess(authenticator, engine);
        this.approvals = approvals;
    }

    public void routes(Router router) {
        router.get("/admin/approvals").handler(this::list);
        router.post("/admin/approvals/:id/approve").handler(ctx -> resolve(ctx, PendingApproval.Status.APPROVED));
        router.post("/admin/approvals/:id/deny").handler(ctx -> resolve(ctx, PendingApproval.Status.DENIED));
    }

    private void list(RoutingContext ctx) {
        access.authorize(ctx, READ).compose(admin -> approvals.pending()).onComplete(ar -> {
            if (ar.succeeded()) {
                JsonArray items = new JsonArray();
                ar.result().forEach(p -> items.add(p.toJson()));
                AdminAccess.json(ctx.response(), 200, new JsonObject().put("approvals", items));
            } else {
                error(ctx.response(), ar.cause());
            }
        });
    }

    private void resolve(RoutingContext ctx, PendingApproval.Status outcome) {
        String id = ctx.pathParam("id");
        access.authorize(ctx, WRITE).compose(admin -> approvals.resolve(id, outcome, admin.caller(), null)).onComplete(ar -> {
            if (ar.succeeded()) {
                LOG.info("approval {} of {} for {}: {} by {}", id, ar.result().tool(), ar.result().caller(),
                        outcome, ar.result().approver());
                AdminAccess.json(ctx.response(), 200, ar.result().toJson());
            } else {
                error(ctx.response(), ar.cause());
            }
        });
    }

    private static void error(HttpServerResponse res, Throwable cause) {
        AdminErrors.send(res, cause, LOG);
    }
}
