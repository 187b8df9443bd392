package dev.warrant.gateway.admin;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.auth.VerifiedTokenCache;
import dev.warrant.gateway.cluster.LocalRevocationIndex;
import dev.warrant.gateway.cluster.Revocation;
import dev.warrant.gateway.crypto.Sha256;
import dev.warrant.gateway.forward.ParkedCalls;
import dev.warrant.gateway.tasks.LiveTasks;
import dev.warrant.gateway.transport.ModernRequests;
import dev.warrant.gateway.transport.Session;
import dev.warrant.gateway.transport.SessionRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a revocation would reach on THIS member, touching nothing: its open 2025 sessions, 2026 requests in flight,
 * calls parked for input, live tasks, and the tokens it verified recently (the verified-token cache) that the
 * revocation covers. Sessions and tokens also travel as keys (a digest of the session id; a token's last block
 * revocation id) so the cluster total counts a session served by two members, or a token both verified, once.
 *
 * <p>The revocation is tested exactly as it would be enforced: a one-entry {@link LocalRevocationIndex}.
 * Concurrency: reads concurrent collections only; runs on a Hazelcast executor thread.
 */
public final class RevocationReach {

    /** The view's name in {@link dev.warrant.gateway.cluster.MemberViews}. */
    public static final String VIEW = "revocation-reach";
    /** Keys sent per kind at most: bounds the answer's size; beyond it the total is a lower bound. */
    static final int MAX_KEYS = 10_000;

    private final SessionRegistry sessions;
    private final ModernRequests modernRequests;
    private final ParkedCalls parkedCalls;
    private final LiveTasks liveTasks;
    private final VerifiedTokenCache seen;

    public RevocationReach(SessionRegistry sessions, ModernRequests modernRequests, ParkedCalls parkedCalls,
                           LiveTasks liveTasks, VerifiedTokenCache seen) {
        this.sessions = sessions;
        this.modernRequests = modernRequests;
        this.parkedCalls = parkedCalls;
        this.liveTasks = liveTasks;
        this.seen = seen;
    }

    /** This member's counts as JSON (the {@link #VIEW} answer). */
    public JsonObject count(Revocation revocation) {
        LocalRevocationIndex one = new LocalRevocationIndex();
        one.add(revocation);
        Predicate<VerifiedToken> covered = one::isRevoked;
        JsonArray sessionKeys = new JsonArray();
        int open = 0;
        for (Session s : sessions.all()) {
            if (!s.isClosed() && s.usedByAny(covered)) {
                open++;
                if (sessionKeys.size() < MAX_KEYS) {
                    sessionKeys.add(digest(s.id()));
                }
            }
        }
        List<VerifiedToken> tokens = seen.matching(covered, MAX_KEYS + 1);
        JsonArray tokenKeys = new JsonArray();
        tokens.stream().limit(MAX_KEYS).forEach(t -> tokenKeys.add(t.revocationIds().get(t.revocationIds().size() - 1)));
        return new JsonObject()
                .put("sessions", open).put("sessionKeys", sessionKeys)
                .put("inFlightRequests", modernRequests.count(covered))
                .put("parkedCalls", parkedCalls.count(covered))
                .put("liveTasks", liveTasks.count(covered))
                .put("tokensSeen", Math.min(tokens.size(), MAX_KEYS)).put("tokenKeys", tokenKeys)
                .put("truncated", open > MAX_KEYS || tokens.size() > MAX_KEYS);
    }

    /** A session id is a bearer of sorts: only a digest leaves the member. */
    private static String digest(String sessionId) {
        return HexFormat.of().formatHex(Sha256.of(sessionId), 0, 16);
    }
}
