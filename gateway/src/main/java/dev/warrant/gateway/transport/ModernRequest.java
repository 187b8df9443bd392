package dev.warrant.gateway.transport;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.errors.Reason;


/**
 * One 2026-07-28 request while it is in flight: the scope its upstream call, its held approval or its
 * subscription stream registers with, so that revoking its token ends it as a 2025 session's calls end.
 *
 * <p>Concurrency: registered from the request's event loop, ended from the revocation listener's.
 */
public final class ModernRequest implements CallScope {

    private final VerifiedToken token;
    private final InFlightCalls calls = new InFlightCalls();
    private volatile Reason endReason;

    ModernRequest(VerifiedToken token) {
        this.token = token;
    }

    public VerifiedToken token() {
        return token;
    }

    @Override
    public void trackCall(Object requestId, Runnable cancel) {
        calls.track(requestId, cancel);
    }

    @Override
    public void untrackCall(Object requestId) {
        calls.untrack(requestId);
    }

    @Override
    public Reason endReason() {
        return endReason;
    }

    /** Ends everything registered here, for {@code reason}; later registrations end at once. */
    void end(Reason reason) {
        endReason = reason;
        calls.endAll();
    }
}
