package dev.warrant.gateway.admin;

import dev.warrant.gateway.auth.Authenticator;
import dev.warrant.gateway.cluster.Revocation;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.policies.PolicyEngine;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;

/**
 * The admin routes behind the operator console's revocation, inspector and status pages, each a thin HTTP face
 * of one service (the console, in the same process, calls the services directly):
 * {@code POST /admin/revocations/preview} ({@link RevocationPreview}, right {@value AdminApi#REVOKE}),
 * {@code POST /admin/inspect} ({@link TokenInspection}, right {@value #INSPECT}) and {@code GET /admin/status}
 * ({@link GatewayStatus}, right {@value AdminApi#CLUSTER_READ}). docs/ARCHITECTURE.md §5.7, §5.8, §3.8.
 */
public final class OperatorApi {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorApi.class);
    /** The right to paste a token into the inspector. */
    public static final String INSPECT = "tokens.inspect";
    /** A JSON body of one token and its quotes: the token's own limit decides, this only bounds the read. */
    private static final int BODY_SLACK = 1024;

    private final Vertx vertx;
    private final AdminAccess access;
    private final RevocationRequest request;
    private final RevocationPreview preview;
    private final TokenInspection inspection;
    private final GatewayStatus status;
    private final int maxTokenLength;

    public OperatorApi(Vertx vertx, Authenticator authenticator, PolicyEngine engine, Clock clock,
                       Duration maxTokenTtl, RevocationPreview preview, TokenInspection inspection,
                       GatewayStatus status, int maxTokenLength) {
        this.vertx = vertx;
        this.access = new AdminAccess(authenticator, engine);
        this.request = new RevocationRequest(clock, maxTokenTtl);
        this.preview = preview;
        this.inspection = inspection;
        this.status = status;
        this.maxTokenLength = maxTokenLength;
    }

    public void routes(Router router) {
        router.post("/admin/revocations/preview").handler(BodyHandler.create(false).setBodyLimit(64 * 1024))
                .handler(this::preview);
        // Twice the token limit: a token just over it is still read, and refused as token_too_large.
        router.post("/admin/inspect").handler(BodyHandler.create(false).setBodyLimit(2L * maxTokenLength + BODY_SLACK))
                .handler(this::inspect);
        router.get("/admin/status").handler(this::status);
    }

    void preview(RoutingContext ctx) {
        access.authorize(ctx, AdminApi.REVOKE).compose(admin -> {
            Revocation revocation = request.parse(ctx);
            return preview.preview(revocation);
        }).onComplete(ar -> answer(ctx, ar.succeeded() ? ar.result() : null, ar.cause()));
    }

    void inspect(RoutingContext ctx) {
        access.authorize(ctx, INSPECT).compose(admin -> {
            String token = token(ctx);
            return vertx.executeBlocking(() -> inspection.inspect(token), false);
        }).onComplete(ar -> answer(ctx, ar.succeeded() ? ar.result() : null, ar.cause()));
    }

    void status(RoutingContext ctx) {
        access.authorize(ctx, AdminApi.CLUSTER_READ).compose(admin -> status.status())
                .onComplete(ar -> answer(ctx, ar.succeeded() ? ar.result() : null, ar.cause()));
    }

    private static void answer(RoutingContext ctx, JsonObject body, Throwable failure) {
        if (failure == null) {
            AdminAccess.json(ctx.response(), 200, body);
        } else {
            AdminErrors.send(ctx.response(), failure, LOG);
        }
    }

    /** The pasted token: {@code {"token": "..."}}, nothing else read from the body. */
    private static String token(RoutingContext ctx) {
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw WarrantException.of(Reason.PARSE_ERROR, "body must be a JSON object");
        }
        if (body == null || !(body.getValue("token") instanceof String token) || token.isBlank()) {
            throw WarrantException.of(Reason.INVALID_REQUEST, "body must be {\"token\": \"<the token>\"}");
        }
        return token.strip();
    }
}
