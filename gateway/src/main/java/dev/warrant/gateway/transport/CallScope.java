package dev.warrant.gateway.transport;

import dev.warrant.gateway.errors.Reason;

/**
 * What an in-flight call belongs to, so the gateway can end it: a 2025 session, or for a 2026-07-28 request
 * the request itself ({@link ModernRequest}). A call registers how to cancel it; when the gateway ends the
 * scope (e.g. its token was revoked) every registered call is cancelled and can ask why.
 */
public interface CallScope {

    /** Registers a cancel action for an in-flight request; one registered after the scope ended runs at once. */
    void trackCall(Object requestId, Runnable cancel);

    void untrackCall(Object requestId);

    /** Why the gateway ended this scope ({@link Reason#REVOKED}, ...); null while it is live. */
    Reason endReason();
}
