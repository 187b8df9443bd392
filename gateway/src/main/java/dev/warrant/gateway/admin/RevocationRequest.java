package dev.warrant.gateway.admin;

import dev.warrant.delegation.Identity;
import dev.warrant.gateway.cluster.Revocation;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * The body of {@code POST /admin/revocations} and of its preview, read into the {@link Revocation} it asks for:
 * exactly one of a block id, an agent (optionally issued before an instant), a task, or an IdP identity.
 */
public final class RevocationRequest {

    /** The body's fields naming what to revoke (the console's revoke links and form use the same names). */
    public static final String REVOCATION_ID = "revocationId";
    public static final String AGENT = "agent";
    public static final String TASK = "task";

    private final Clock clock;
    private final Duration maxTokenTtl;

    public RevocationRequest(Clock clock, Duration maxTokenTtl) {
        this.clock = clock;
        this.maxTokenTtl = maxTokenTtl;
    }

    Revocation parse(RoutingContext ctx) {
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw WarrantException.of(Reason.PARSE_ERROR, "body must be a JSON object");
        }
        if (body == null) {
            throw WarrantException.of(Reason.INVALID_REQUEST, "body must be a JSON object");
        }
        return from(body);
    }

    /** The revocation {@code body} asks for (the console builds the same object from its form). */
    public Revocation from(JsonObject body) {
        int kinds = (body.containsKey(REVOCATION_ID) ? 1 : 0) + (body.containsKey(AGENT) ? 1 : 0)
                + (body.containsKey(TASK) ? 1 : 0) + (body.containsKey("subject") ? 1 : 0);
        if (kinds != 1) {
            throw WarrantException.of(Reason.INVALID_REQUEST, "exactly one of revocationId, agent, task, subject required");
        }
        if (body.containsKey("issuer") != body.containsKey("subject")) {
            throw WarrantException.of(Reason.INVALID_REQUEST, "subject and issuer go together (an IdP identity)");
        }
        String reason = body.getValue("reason") instanceof String s ? s : "";
        Instant now = clock.instant();
        if (body.containsKey(REVOCATION_ID)) {
            String hex = text(body, REVOCATION_ID).toLowerCase(Locale.ROOT);
            if (!hex.matches("([0-9a-f]{2}){1,128}")) {
                throw WarrantException.of(Reason.INVALID_REQUEST, "revocationId must be hex");
            }
            return Revocation.ofId(hex, now, maxTokenTtl, reason);
        }
        if (body.containsKey(TASK)) {
            return Revocation.ofTask(text(body, TASK), now, maxTokenTtl, reason);
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
        return Revocation.ofAgent(text(body, AGENT), before, now, maxTokenTtl, reason);
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
