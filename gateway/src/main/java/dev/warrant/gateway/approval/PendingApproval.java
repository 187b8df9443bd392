package dev.warrant.gateway.approval;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * One held call as the cluster sees it (an entry of {@link ClusterApprovals#MAP_NAME}). Holds what an approver
 * needs to decide and no secret: never the token, never the argument values (only their digest, as in the audit
 * log). The holding node waits for {@link #status()} to leave PENDING.
 *
 * <p>Serializable so any member can read and update it; values only, no behaviour that differs across versions.
 */
public record PendingApproval(String id, String caller, List<String> chain, List<String> revocationIds, String task,
                              String tool,
                              String argumentDigest, long createdAtMillis, long expiresAtMillis, String holder,
                              Status status, String approver) implements Serializable {

    public enum Status { PENDING, APPROVED, DENIED }

    public PendingApproval {
        chain = List.copyOf(chain);
        revocationIds = List.copyOf(revocationIds);
    }

    PendingApproval resolved(Status outcome, String by) {
        return new PendingApproval(id, caller, chain, revocationIds, task, tool, argumentDigest, createdAtMillis, expiresAtMillis,
                holder, outcome, by);
    }

    JsonObject toJson() {
        JsonObject json = new JsonObject().put("id", id).put("caller", caller).put("chain", new JsonArray(chain))
                .put("tool", tool).put("argumentDigest", argumentDigest)
                .put("createdAt", Instant.ofEpochMilli(createdAtMillis).toString())
                .put("expiresAt", Instant.ofEpochMilli(expiresAtMillis).toString())
                .put("status", status.name().toLowerCase(java.util.Locale.ROOT));
        if (task != null) {
            json.put("task", task);
        }
        if (approver != null) {
            json.put("approver", approver);
        }
        return json;
    }

    /** The same digest the audit log records (SHA-256 of the arguments' JSON), so the two can be matched. */
    static String digest(Object arguments) {
        if (arguments == null) {
            return null;
        }
        String json = arguments instanceof JsonObject o ? o.encode() : String.valueOf(arguments);
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
