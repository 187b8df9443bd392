package dev.warrant.gateway.admin;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.auth.Authenticator;
import dev.warrant.gateway.cluster.ClusterRevocations;
import dev.warrant.gateway.cluster.Revocation;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.policies.Operation;
import dev.warrant.policies.PolicyEngine;
import dev.warrant.policies.Verdict;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The admin API. Callers authenticate with a Biscuit token like agents do and need the right
 * {@code right("admin", "warrant", "<action>")} (or {@code "*"}), checked with the same policy engine.
 *
 * <p>{@code POST /admin/revocations {"revocationId": "<hex>", "reason": "..."}} answers 200 only once the
 * revocation is in force on this node (the cluster write is acknowledged and the local index updated).
 */
public final class AdminApi {

    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    public static final String AREA = "warrant";
    public static final String REVOKE = "revocations.write";

    private final Vertx vertx;
    private final Authenticator authenticator;
    private final PolicyEngine engine;
    private final ClusterRevocations revocations;
    private final Clock clock;
    private final Duration maxTokenTtl;

    public AdminApi(Vertx vertx, Authenticator authenticator, PolicyEngine engine, ClusterRevocations revocations,
                    Clock clock, Duration maxTokenTtl) {
        this.vertx = vertx;
        this.authenticator = authenticator;
        this.engine = engine;
        this.revocations = revocations;
        this.clock = clock;
        this.maxTokenTtl = maxTokenTtl;
    }

    public void revoke(RoutingContext ctx) {
        HttpServerResponse res = ctx.response();
        authorize(ctx, REVOKE).compose(admin -> {
            Revocation revocation = parseRevocation(ctx);
            // The map write waits for the cluster's acknowledgement: never on the event loop.
            return vertx.executeBlocking(() -> {
                revocations.revoke(revocation);
                return revocation;
            }, false).map(r -> {
                LOG.info("revoked {} by {} ({})", r.revocationId(), admin.caller(), r.reason());
                return r;
            });
        }).onComplete(ar -> {
            if (ar.succeeded()) {
                json(res, 200, new JsonObject().put("revoked", ar.result().revocationId()));
            } else {
                WarrantException e = WarrantException.wrap(ar.cause());
                int status = switch (e.reason()) {
                    case INVALID_REQUEST, PARSE_ERROR, INVALID_PARAMS -> 400;
                    case INTERNAL -> 500;
                    default -> e.reason().isAuthentication() ? 401 : 403;
                };
                if (status == 500) {
                    LOG.error("revocation failed", ar.cause());
                }
                JsonObject body = new JsonObject().put("error", new JsonObject().put("reason", e.reason().code())
                        .put("detail", e.detail()));
                json(res, status, body);
            }
        });
    }

    private Future<VerifiedToken> authorize(RoutingContext ctx, String action) {
        return authenticator.authenticate(ctx.request().getHeader(HttpHeaders.AUTHORIZATION)).compose(token -> {
            Verdict verdict = engine.decide(token, Operation.admin(AREA, action, Optional.empty()));
            if (!verdict.allowed()) {
                return Future.failedFuture(WarrantException.of(Reason.fromCode(verdict.reason()), "admin right required"));
            }
            return Future.succeededFuture(token);
        });
    }

    private Revocation parseRevocation(RoutingContext ctx) {
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw WarrantException.of(Reason.PARSE_ERROR, "body must be a JSON object");
        }
        if (body == null || !(body.getValue("revocationId") instanceof String id)) {
            throw WarrantException.of(Reason.INVALID_REQUEST, "revocationId (hex string) required");
        }
        String hex = id.trim().toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{2,256}") || hex.length() % 2 != 0) {
            throw WarrantException.of(Reason.INVALID_REQUEST, "revocationId must be hex");
        }
        Object reason = body.getValue("reason");
        long now = clock.millis();
        // No token covered by this id can outlive now + the maximum TTL; the entry may go after that.
        return new Revocation(hex, now, now + maxTokenTtl.toMillis(), reason instanceof String s ? s : "");
    }

    private static void json(HttpServerResponse res, int status, JsonObject body) {
        res.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toBuffer());
    }
}
