package dev.warrant.gateway.approval;

import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.admin.AdminAccess;
import dev.warrant.gateway.admin.AdminErrors;
import dev.warrant.gateway.auth.Authenticator;
import dev.warrant.policies.PolicyEngine;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The approvals part of the admin API, on any member of the cluster:
 * <ul>
 *   <li>{@code GET /admin/approvals} (right {@value #READ}): the pending approvals, oldest first</li>
 *   <li>{@code POST /admin/approvals/{id}/approve} and {@code .../deny} (right {@value #WRITE}): resolves one;
 *       404 {@code approval_unknown} when it is no longer pending. An optional JSON body {@code {"reason": "..."}}
 *       records the approver's reason (a denied agent reads it): 400 {@code parse_error} when the body is not JSON,
 *       {@code invalid_request} when it is not that object, {@code approval_reason_invalid} when the reason is
 *       too long or not one printable line ({@link DecisionReason})</li>
 * </ul>
 * Callers authenticate like on {@link AdminApi}: a Biscuit token with {@code right("admin", "warrant", action)}.
 */
public final class ApprovalApi {

    private static final Logger LOG = LoggerFactory.getLogger(ApprovalApi.class);
    public static final String READ = "approvals.read";
    public static final String WRITE = "approvals.write";
    /** A reason of 500 characters, escaped, fits many times over. */
    static final int MAX_BODY_BYTES = 16 * 1024;

    private final AdminAccess access;
    private final ClusterApprovals approvals;

    public ApprovalApi(Authenticator authenticator, PolicyEngine engine, ClusterApprovals approvals) {
        this.access = new AdminAccess(authenticator, engine);
        this.approvals = approvals;
    }

    public void routes(Router router) {
        router.get("/admin/approvals").handler(this::list);
        BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
        router.post("/admin/approvals/:id/approve").handler(body)
                .handler(ctx -> resolve(ctx, PendingApproval.Status.APPROVED));
        router.post("/admin/approvals/:id/deny").handler(body)
                .handler(ctx -> resolve(ctx, PendingApproval.Status.DENIED));
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
        access.authorize(ctx, WRITE)
                .compose(admin -> reason(ctx.body().buffer())
                        .compose(reason -> approvals.resolve(id, outcome, admin.caller(), reason)))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        PendingApproval decided = ar.result();
                        LOG.info("approval {} of {} for {}: {} by {}", id, decided.tool(), decided.caller(), outcome,
                                decided.approver());
                        AdminAccess.json(ctx.response(), 200, decided.toJson());
                    } else {
                        error(ctx.response(), ar.cause());
                    }
                });
    }

    /** The reason in an optional {@code {"reason": "..."}} body; null for no body, no reason or a blank one. */
    static Future<String> reason(Buffer body) {
        if (body == null || body.toString(java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return Future.succeededFuture(null);
        }
        Object parsed;
        try {
            parsed = body.toJsonValue();
        } catch (DecodeException e) {
            return Future.failedFuture(WarrantException.of(Reason.PARSE_ERROR, "the body is not JSON"));
        }
        if (!(parsed instanceof JsonObject json) || !json.fieldNames().stream().allMatch("reason"::equals)
                || (json.getValue("reason") != null && !(json.getValue("reason") instanceof String))) {
            return Future.failedFuture(WarrantException.of(Reason.INVALID_REQUEST,
                    "the body is {\"reason\": \"...\"} or nothing"));
        }
        try {
            return Future.succeededFuture(DecisionReason.check(json.getString("reason")));
        } catch (WarrantException e) {
            return Future.failedFuture(e);
        }
    }

    private static void error(HttpServerResponse res, Throwable cause) {
        AdminErrors.send(res, cause, LOG);
    }
}
