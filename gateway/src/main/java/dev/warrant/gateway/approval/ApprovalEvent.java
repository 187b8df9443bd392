package dev.warrant.gateway.approval;

import io.vertx.core.json.JsonObject;

/**
 * A change to the cluster's held calls, as heard by {@link ClusterApprovals#onChange}: a call was held
 * ({@link Kind#OPENED}), an approver decided it ({@link Kind#DECIDED}: {@code approval} carries the approver and
 * reason), its holder ended it ({@link Kind#REMOVED}: approved and released, denied, timed out or withdrawn), or
 * its entry outlived a crashed holder ({@link Kind#EXPIRED}).
 *
 * @param kind     what happened
 * @param approval the entry as it is after the change, or as it was last for REMOVED and EXPIRED
 */
public record ApprovalEvent(Kind kind, PendingApproval approval) {

    public enum Kind { OPENED, DECIDED, REMOVED, EXPIRED }

    public String id() {
        return approval.id();
    }

    /** {@code {"kind": "opened", "approval": {...}}}, the approval as {@link PendingApproval#toJson()} shows it. */
    public JsonObject toJson() {
        return new JsonObject().put("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
                .put("approval", approval.toJson());
    }
}
