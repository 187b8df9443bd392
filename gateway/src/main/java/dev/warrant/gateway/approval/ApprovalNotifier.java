package dev.warrant.gateway.approval;

/**
 * Told once of each call this member holds, right after its pending approval is published to the cluster. Must
 * return at once and never fail: the held call does not wait for it.
 */
@FunctionalInterface
public interface ApprovalNotifier {

    ApprovalNotifier NONE = pending -> { };

    void held(PendingApproval pending);
}
