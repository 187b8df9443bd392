package dev.warrant.gateway.pipeline;

/**
 * The order stages must run in. {@code RECORD} wraps everything so that denials are recorded too; the
 * terminal {@code FORWARD} stage answers every request that got that far.
 */
public enum StageKind {
    RECORD, AUTHENTICATE, TRACE, SESSION,
    /** Rate limits and drift containment: before the policy decision, so a flood costs no authorizations. */
    LIMIT,
    AUTHORIZE,
    /** Risk-tier rules after an allow: fresh authorization, human approval (the call may be held). */
    APPROVE,
    FORWARD
}
