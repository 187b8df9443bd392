package dev.warrant.gateway.admin;

import dev.warrant.delegation.Identity;
import dev.warrant.gateway.auth.Authenticator;
import dev.warrant.gateway.cluster.ClusterRevocations;
import dev.warrant.gateway.cluster.Revocation;
import dev.warrant.gateway.cluster.RevocationConfirmation;
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
    private final RevocationRequest request;

    public AdminApi(Vertx vertx, Authenticator authenticator, PolicyEngine engine, ClusterRevocations revocations,
                    Clock clock, Duration maxTokenTtl) {
        this.vertx = vertx;
        this.access = new AdminAccess(authenticator, engine);
        this.revocations = revocations;
        this.request = new RevocationRequest(clock, maxTokenTtl);
    }

    public void revoke(RoutingContext ctx) {
        HttpServerResponse res = ctx.response();
        access.authorize(ctx, REVOKE).compose(admin -> {
            Revocation revocation = request.parse(ctx);
            // The map write waits for the cluster's acknowledgement: never on the event loop.
            // Ordered = false: concurrent revocations confirm in parallel.
            return vertx.executeBlocking(() -> new Revoked(revocation, revocations.revoke(revocation)), false)
                    .map(r -> {
                        LOG.info("revoked {} by {} ({})", r.revocation().key(), admin.caller(), r.revocation().reason());
                        return r;
                    });
        }).onComplete(ar -> {
            if (ar.succeeded()) {
                AdminAccess.json(res, 200, answer(ar.result().revocation(), ar.result().confirmation()));
            } else {
                AdminErrors.send(res, ar.cause(), LOG);
            }
        });
    }

    private record Revoked(Revocation revocation, RevocationConfirmation confirmation) {
    }

    /**
     * The revoke answer: what was revoked, until when the entry lasts, and who confirmed it: {@code confirmedBy}
     * (each member's id and address), {@code members} (live members when the last one confirmed) and
     * {@code confirmedAt} (ISO-8601), so a console can say "confirmed by 2 of 2 members at ...".
     */
    public static JsonObject answer(Revocation r, RevocationConfirmation confirmation) {
        io.vertx.core.json.JsonArray by = new io.vertx.core.json.JsonArray();
        confirmation.confirmedBy().forEach(m -> by.add(new JsonObject().put("id", m.id()).put("address", m.address())));
        return new JsonObject().put("revoked", shown(r))
                .put("kind", r.kind().name().toLowerCase(Locale.ROOT))
                .put("expiresAt", Instant.ofEpochMilli(r.expiresAtMillis()).toString())
                .put("confirmedBy", by)
                .put("members", confirmation.live())
                .put("confirmedAt", confirmation.confirmedAt().toString());
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
    public static Object shown(Revocation r) {
        if (r.kind() != Revocation.Kind.IDENTITY) {
            return r.subject();
        }
        Identity identity = Revocation.identity(r.subject());
        return new JsonObject().put("issuer", identity.issuer()).put("subject", identity.subject());
    }

}
