package dev.warrant.gateway.admin;

import dev.warrant.delegation.Identity;
import dev.warrant.gateway.auth.Authenticator;
import dev.warrant.gateway.cluster.ClusterRevocations;
import dev.warrant.gateway.cluster.Revocation;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.policy.PolicyReloader;
import dev.warrant.policies.PolicyEngine;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * The admin API. Callers authenticate with a Biscuit token like agents do and need the right
 * {@code right("admin", "warrant", "<action>")} (or {@code "*"}), checked with the same policy engine.
 *
 * <p>{@code POST /admin/revocations} with exactly one of {@code {"revocationId": "<hex>"}},
 * {@code {"agent": "name", "issuedBefore": "<ISO-8601 instant>"?}}, {@code {"task": "id"}} or
 * {@code {"subject": "alice", "issuer": "https://idp…"}} (an IdP identity: every token minted for it) (plus an optional
 * {@code "reason"}) answers 200 only once every live cluster member denies what it covers, and 503
 * {@code revocation_incomplete} when some member did not confirm in time (see ClusterRevocations).
 * {@code GET /admin/cluster} reports the member count and this member's number of revocation entries.
 */
public final class AdminApi {

    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    public static final String AREA = "warrant";
    public static final String REVOKE = "revocations.write";
    public static final String POLICIES_READ = "policies.read";
    public static final String CLUSTER_READ = "cluster.read";
    /** 503: not every live member confirmed; the revocation may still spread, but nothing is promised. */

    private final Vertx vertx;
    private final AdminAccess access;
    private final ClusterRevocations revocations;
    private final Clock clock;
    private final Duration maxTokenTtl;

    public AdminApi(Vertx vertx, Authenticator authenticator, PolicyEngine engine, ClusterRevocations revocations,
                    Clock clock, Duration maxTokenTtl) {
        this.vertx = vertx;
        this.access = new AdminAccess(authenticator, engine);
        this.revocations = revocations;
        this.clock = clock;
        this.maxTokenTtl = maxTokenTtl;
    }

    public void revoke(RoutingContext ctx) {
        HttpServerResponse res = ctx.response();
        access.authorize(ctx, REVOKE).compose(admin -> {
            Revocation revocation = parseRevocation(ctx);
            // The map write waits for the cluster's acknowledgement: never on the event loop.
            // Ordered = false: concurrent revocations confirm in parallel.
            return vertx.executeBlocking(() -> {
                revocations.revoke(revocation);
                return revocation;
            }, false).map(r -> {
                LOG.info("revoked {} by {} ({})", r.key(), admin.caller(), r.reason());
                return r;
            });
        }).onComplete(ar -> {
            if (ar.succeeded()) {
                AdminAccess.json(res, 200, new JsonObject().put("revoked", shown(ar.result()))
                        .put("kind", ar.result().kind().name().toLowerCase(Locale.ROOT))
                        .put("expiresAt", Instant.ofEpochMilli(ar.result().expiresAtMillis()).toString()));
            } else {
                AdminErrors.send(res, ar.cause(), LOG);
            }
        });
    }

    /**
     * GET /admin/policies: the policy set in force on this node (version, files, load time) and the last
     * refused change with its file, line and message, so an operator sees why an edit did not take.
     */
    public void policies(RoutingContext ctx, java.util.function.Supplier<Optional<PolicyReloader.Status>> status) {
        access.authorize(ctx, POLICIES_READ).onComplete(ar -> {
            if (ar.failed()) {
                AdminErrors.send(ctx.response(), ar.cause(), LOG);
                return;
            }
            JsonObject body = status.get().map(s -> new JsonObject()
                            .put("source", "directory")
                            .put("version", s.version())
                            .put("loadedAt", s.loadedAt().toString())
                            .put("files", new io.vertx.core.json.JsonArray(s.files()))
                            .put("lastError", s.lastError().orElse(null)))
                    .orElse(new JsonObject().put("source", "defaults").put("version", 1));
            AdminAccess.json(ctx.response(), 200, body);
        });
    }

    /** GET /admin/cluster: how many members this node sees, and how many revocation entries it holds. */
    public void cluster(RoutingContext ctx) {
        access.authorize(ctx, CLUSTER_READ).onComplete(ar -> {
            if (ar.succeeded()) {
                AdminAccess.json(ctx.response(), 200, new JsonObject().put("members", revocations.clusterSize())
                        .put("revocations", revocations.size()));
            } else {
                AdminErrors.send(ctx.response(), ar.cause(), LOG);
            }
        });
    }

    /** What an answer calls the revoked thing: an identity as its issuer and subject, not the index key. */
    private static Object shown(Revocation r) {
        if (r.kind() != Revocation.Kind.IDENTITY) {
            return r.subject();
        }
        Identity identity = Revocation.identity(r.subject());
        return new JsonObject().put("issuer", identity.issuer()).put("subject", identity.subject());
    }

    private Revocation parseRevocation(RoutingContext ctx) {
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw WarrantException.of(Reason.PARSE_ERROR, "body must be a JSON object");
        }
        if (body == null) {
            throw WarrantException.of(Reason.INVALID_REQUEST, "body must be a JSON object");
        }
        int kinds = (body.containsKey("revocationId") ? 1 : 0) + (body.containsKey("agent") ? 1 : 0)
                + (body.containsKey("task") ? 1 : 0) + (body.containsKey("subject") ? 1 : 0);
        if (kinds != 1) {
            throw WarrantException.of(Reason.INVALID_REQUEST, "exactly one of revocationId, agent, task, subject required");
        }
        if (body.containsKey("issuer") != body.containsKey("subject")) {
            throw WarrantException.of(Reason.INVALID_REQUEST, "subject and issuer go together (an IdP identity)");
        }
        String reason = body.getValue("reason") instanceof String s ? s : "";
        Instant now = clock.instant();
        if (body.containsKey("revocationId")) {
            String hex = text(body, "revocationId").toLowerCase(Locale.ROOT);
            if (!hex.matches("([0-9a-f]{2}){1,128}")) {
                throw WarrantException.of(Reason.INVALID_REQUEST, "revocationId must be hex");
            }
            return Revocation.ofId(hex, now, maxTokenTtl, reason);
        }
        if (body.containsKey("task")) {
            return Revocation.ofTask(text(body, "task"), now, maxTokenTtl, reason);
        }
        if (body.containsKey("subject")) {
            try {
                return Revocation.ofIdentity(new Identity(text(body, "issuer", Identity.MAX_LENGTH),
                        text(body, "subject", Identity.MAX_LENGTH)), now, maxTokenTtl, reason);
            } catch (IllegalArgumentException e) {
                throw WarrantException.of(Reason.INVALID_REQUEST, e.getMessage());
            }
        }
        Optional<Instant> before = Optional.empty();
        if (body.containsKey("issuedBefore")) {
            try {
                before = Optional.of(Instant.parse(text(body, "issuedBefore")));
            } catch (DateTimeParseException e) {
                throw WarrantException.of(Reason.INVALID_REQUEST, "issuedBefore must be an ISO-8601 instant such as 2026-11-25T20:00:00Z");
            }
            if (before.get().isAfter(now.plus(maxTokenTtl))) {
                throw WarrantException.of(Reason.INVALID_REQUEST, "issuedBefore lies beyond the maximum token TTL from now");
            }
        }
        return Revocation.ofAgent(text(body, "agent"), before, now, maxTokenTtl, reason);
    }

    private static String text(JsonObject body, String field) {
        return text(body, field, 256);
    }

    private static String text(JsonObject body, String field, int maxLength) {
        if (!(body.getValue(field) instanceof String v) || v.isBlank() || v.length() > maxLength) {
            throw WarrantException.of(Reason.INVALID_REQUEST, field + " must be a non-empty string (at most "
                    + maxLength + " characters)");
        }
        return v.trim();
    }
}
