package dev.warrant.gateway.approval;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;

/**
 * One held call as the cluster sees it (an entry of {@link ClusterApprovals#MAP_NAME}). Holds what an approver
 * needs to decide and no secret: never the token, and the argument values only when the operator turned on
 * {@code approvals.showArguments} (their digest, as in the audit log, is always there). The holding node waits
 * for {@link #status()} to leave PENDING.
 *
 * <p>Serializable so any member can read and update it; values only, no behaviour that differs across versions.
 *
 * @param revocationIds  the held token's revocation ids (one per block), so a revocation can name what it stops
 * @param riskTier       the tool's risk tier code ({@code low}, {@code medium}, {@code high})
 * @param policy         the statement that allowed the call, when the decision named one; else null
 * @param arguments      the call's arguments as JSON when {@code approvals.showArguments} is on; else null
 * @param decisionReason the approver's own words for the decision ({@link DecisionReason}); null when none given
 */
public record PendingApproval(String id, String caller, List<String> chain, List<String> revocationIds, String task,
                              String tool, String argumentDigest, long createdAtMillis, long expiresAtMillis,
                              String holder, Status status, String approver, String riskTier, String policy,
                              String arguments, String decisionReason) implements Serializable {

    public enum Status { PENDING, APPROVED, DENIED }

    public PendingApproval {
        chain = List.copyOf(chain);
        revocationIds = revocationIds == null ? List.of() : List.copyOf(revocationIds);
    }

    PendingApproval resolved(Status outcome, String by, String reason) {
        return new PendingApproval(id, caller, chain, revocationIds, task, tool, argumentDigest, createdAtMillis,
                expiresAtMillis, holder, outcome, by, riskTier, policy, arguments, reason);
    }

    /** What the admin API and the console show: every field but the holder; never a token. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("id", id).put("caller", caller).put("chain", new JsonArray(chain))
                .put("revocationIds", new JsonArray(revocationIds))
                .put("tool", tool).put("argumentDigest", argumentDigest)
                .put("createdAt", Instant.ofEpochMilli(createdAtMillis).toString())
                .put("expiresAt", Instant.ofEpochMilli(expiresAtMillis).toString())
                .put("status", status.name().toLowerCase(java.util.Locale.ROOT));
        putIfPresent(json, "task", task);
        putIfPresent(json, "riskTier", riskTier);
        putIfPresent(json, "policy", policy);
        if (arguments != null) {
            // Stored as text (Serializable); shown as the JSON it is.
            json.put("arguments", io.vertx.core.json.Json.decodeValue(arguments));
        }
        putIfPresent(json, "approver", approver);
        putIfPresent(json, "decisionReason", decisionReason);
        return json;
    }

    private static void putIfPresent(JsonObject json, String key, String value) {
        if (value != null) {
            json.put(key, value);
        }
    }
}
