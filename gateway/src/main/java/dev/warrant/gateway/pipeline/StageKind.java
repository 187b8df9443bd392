package dev.warrant.gateway.pipeline;

/**
 * The order stages must run in. {@code RECORD} wraps everything so that refusals are recorded too; each
 * pipeline ends with one {@code TERMINAL} stage that answers the messages that got that far.
 */
public enum StageKind {
    RECORD, AUTHENTICATE, TRACE, SESSION,
    /** Rate limits and drift containment: before the policy decision, so a flood costs no authorizations. */
    LIMIT,
    AUTHORIZE,
    /** Risk-tier rules after an allow: fresh authorization, human approval (the call may be held). */
    APPROVE,
    /** Answers the message: forwards a request, or acts on a notification, response, GET or DELETE. */
    TERMINAL
}
