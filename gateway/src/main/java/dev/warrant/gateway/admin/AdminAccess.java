package dev.warrant.gateway.admin;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.auth.Authenticator;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.policies.Operation;
import dev.warrant.policies.PolicyEngine;
import dev.warrant.policies.Verdict;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Optional;

/**
 * Who may use an admin route: the caller's Biscuit token, authenticated like an agent's, must hold
 * {@code right("admin", "warrant", "<action>")} (or {@code "*"}), decided by the same policy engine. One place
 * for every admin API class, so a route cannot forget a step.
 */
public final class AdminAccess {

    private final Authenticator authenticator;
    private final PolicyEngine engine;

    public AdminAccess(Authenticator authenticator, PolicyEngine engine) {
        this.authenticator = authenticator;
        this.engine = engine;
    }

    /** The admin's verified token, or a failed future with an authentication (401) or policy (403) reason. */
    public Future<VerifiedToken> authorize(RoutingContext ctx, String action) {
        return authenticator.authenticate(ctx.request().getHeader(HttpHeaders.AUTHORIZATION)).compose(token -> {
            Verdict verdict = engine.decide(token, Operation.admin(AdminApi.AREA, action, Optional.empty()));
            if (!verdict.allowed()) {
                return Future.failedFuture(WarrantException.of(Reason.fromCode(verdict.reason()), "admin right required"));
            }
            return Future.succeededFuture(token);
        });
    }

    public static void json(HttpServerResponse res, int status, JsonObject body) {
        res.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toBuffer());
    }
}
