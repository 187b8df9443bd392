package dev.warrant.gateway.transport;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.cluster.RevocationIndex;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.record.AuditRecord;
import dev.warrant.gateway.record.AuditSink;

import java.time.Clock;

/**
 * Ends this node's sessions whose tokens a revocation now covers (docs/ARCHITECTURE.md §5.2: a revoked token's open sessions
 * and in-flight calls end). Each session ends with {@link Reason#REVOKED}: its GET stream closes, a call held for
 * approval is withdrawn (the cluster entry removed) and answered {@code revoked}, an upstream call is cancelled
 * upstream ({@code notifications/cancelled}) and answered {@code revoked}; those answers are audited by the
 * request path as usual, and the session's end gets one audit line of its own ({@value #METHOD}).
 *
 * <p>Requests that arrive afterwards never get this far: authentication refuses the revoked token (401).
 *
 * <p>Concurrency: {@link #endRevoked} runs on an event loop after every new revocation on this member; it reads
 * the lock-free revocation index and the concurrent session map.
 */
public final class RevokedSessions {

    /** The audit record's method for a session the gateway ended. */
    public static final String METHOD = "session/end";

    private final SessionRegistry sessions;
    private final ModernRequests modernRequests;
    /** Also ends what a revoked token keeps waiting elsewhere (upstream calls parked for input). */
    private final java.util.function.Function<java.util.function.Predicate<VerifiedToken>, Integer> alsoEnd;
    private final RevocationIndex revocations;
    private final AuditSink audit;
    private final Clock clock;

    public RevokedSessions(SessionRegistry sessions, RevocationIndex revocations, AuditSink audit, Clock clock) {
        this(sessions, new ModernRequests(), revocations, audit, clock, which -> 0);
    }

    public RevokedSessions(SessionRegistry sessions, ModernRequests modernRequests, RevocationIndex revocations,
                           AuditSink audit, Clock clock,
                           java.util.function.Function<java.util.function.Predicate<VerifiedToken>, Integer> alsoEnd) {
        this.sessions = sessions;
        this.modernRequests = modernRequests;
        this.alsoEnd = alsoEnd;
        this.revocations = revocations;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Also ends this member's 2026-07-28 requests in flight with a revoked token (their own audit lines say
     * {@code revoked}).
     *
     * @return how many sessions ended
     */
    public int endRevoked() {
        modernRequests.end(revocations::isRevoked, Reason.REVOKED);
        alsoEnd.apply(revocations::isRevoked);
        int ended = 0;
        for (Session session : sessions.all()) {
            VerifiedToken[] revoked = new VerifiedToken[1];
            boolean hit = session.usedByAny(t -> {
                if (revocations.isRevoked(t)) {
                    revoked[0] = t;
                    return true;
                }
                return false;
            });
            if (hit && !session.isClosed()) {
                sessions.end(session, Reason.REVOKED);
                audit.record(endRecord(session, revoked[0]));
                ended++;
            }
        }
        return ended;
    }

    private AuditRecord endRecord(Session session, VerifiedToken token) {
        return new AuditRecord(clock.instant(), "deny", Reason.REVOKED.code(), token.caller(), token.chain(),
                token.task().orElse(null), METHOD, null, null, null, null, null, token.revocationIds(), null,
                session.id(), 0, null);
    }
}
