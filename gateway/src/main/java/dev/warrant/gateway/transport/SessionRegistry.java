package dev.warrant.gateway.transport;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.json.JsonObject;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The sessions of this member. Ids are 128 random bits; unknown or expired ids answer 404 so the client starts
 * over (Streamable HTTP).
 *
 * <p>Fairness: a session is admitted only once its {@code initialize} succeeded (a refused request leaves no
 * session behind), and counts against its grant's quota (the authority block's revocation id: every token
 * delegated from one minted token shares it, and no agent can make a new one). A full table refuses only a
 * grant that holds at least as many sessions as any other; for anyone else it ends the least recently used
 * session of the grant that holds the most. So one token's flood can never lock another token out.
 *
 * <p>Concurrency: lookups are lock-free; admissions and removals change the table and the per-grant counts
 * together under {@code this}.
 */
public final class SessionRegistry {

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** Sessions per grant. Guarded by {@code this}. */
    private final Map<String, Integer> perGrant = new HashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final SessionSettings settings;

    public SessionRegistry(Clock clock, SessionSettings settings) {
        this.clock = clock;
        this.settings = settings;
    }

    /**
     * A new session for an {@code initialize} still under way: usable by that request, invisible to every other
     * until {@link #admit}. Refuses at once a grant already at its quota, so a flood costs nothing more.
     */
    public Session open(String ownerRoot, String ownerCaller, String protocolVersion) {
        synchronized (this) {
            if (perGrant.getOrDefault(ownerRoot, 0) >= settings.perGrant()) {
                throw quotaReached();
            }
        }
        byte[] id = new byte[16];
        random.nextBytes(id);
        return new Session(HexFormat.of().formatHex(id), ownerRoot, ownerCaller, protocolVersion, clock.millis());
    }

    /** Opens and admits a session at once (a session made outside a request, e.g. by a test or a tool). */
    public Session create(String ownerRoot, String ownerCaller, String protocolVersion) {
        Session session = open(ownerRoot, ownerCaller, protocolVersion);
        admit(session);
        return session;
    }

    /** Enters a session whose {@code initialize} succeeded into the table, or refuses it (session_limit). */
    public void admit(Session session) {
        List<Session> ended = new ArrayList<>();
        try {
            synchronized (this) {
                String grant = session.ownerRoot();
                int held = perGrant.getOrDefault(grant, 0);
                if (held >= settings.perGrant()) {
                    throw quotaReached();
                }
                if (sessions.size() >= settings.max()) {
                    ended.addAll(expireIdleLocked());
                }
                if (sessions.size() >= settings.max()) {
                    Session evicted = leastRecentlyUsedOfLargestGrantOtherThan(grant, held);
                    if (evicted == null) {
                        throw WarrantException.of(Reason.SESSION_LIMIT, "this member's session table is full");
                    }
                    removeLocked(evicted);
                    evicted.endReason(Reason.SESSION_LIMIT);
                    ended.add(evicted);
                }
                sessions.put(session.id(), session);
                perGrant.merge(grant, 1, Integer::sum);
            }
        } finally {
            // Closing ends streams and calls: outside the lock.
            ended.forEach(Session::close);
        }
    }

    /** The live session for this id, owned by this caller; refuses with 400/403/404 otherwise. */
    public Session resolve(String sessionId, String ownerRoot, String caller) {
        if (sessionId == null || sessionId.isEmpty()) {
            throw WarrantException.of(Reason.SESSION_MISSING, "Mcp-Session-Id header required");
        }
        Session session = sessions.get(sessionId);
        long now = clock.millis();
        if (session == null || session.isClosed() || now - session.lastSeenMillis() > settings.idleTimeout().toMillis()) {
            if (session != null) {
                remove(session);
            }
            throw WarrantException.of(Reason.SESSION_UNKNOWN);
        }
        if (!session.isOwnedBy(ownerRoot, caller)) {
            throw WarrantException.of(Reason.SESSION_OWNER_MISMATCH);
        }
        session.touch(now);
        return session;
    }

    /** The live session with this id, without any ownership check (for per-session memos only), or null. */
    public Session peek(String sessionId) {
        Session session = sessions.get(sessionId);
        return session == null || session.isClosed() ? null : session;
    }

    public void remove(Session session) {
        synchronized (this) {
            removeLocked(session);
        }
        session.close();
    }

    /** Ends a session for a reason of the gateway's (e.g. its token was revoked); its calls answer with it. */
    public void remove(Session session, Reason reason) {
        synchronized (this) {
            removeLocked(session);
        }
        session.close(reason);
    }

    public int size() {
        return sessions.size();
    }

    /** How many sessions the grant with this authority revocation id holds. */
    public synchronized int heldBy(String ownerRoot) {
        return perGrant.getOrDefault(ownerRoot, 0);
    }

    public List<Session> all() {
        return List.copyOf(sessions.values());
    }

    /**
     * Sends a server-initiated message (e.g. notifications/tools/list_changed) to every live session that
     * listens (opened a GET stream at least once) and that {@code audience} accepts; {@code audience} is asked
     * only about such sessions. A session between GET streams keeps the message for its Last-Event-ID resume.
     *
     * @return how many sessions it was sent to or kept for
     */
    public int pushToStreams(JsonObject message, Predicate<Session> audience) {
        int sent = 0;
        for (Session s : sessions.values()) {
            if (s.isListening() && audience.test(s) && s.push(message)) {
                sent++;
            }
        }
        return sent;
    }

    /** Drops sessions idle for longer than the idle timeout; run periodically. */
    public void expireIdle() {
        List<Session> expired;
        synchronized (this) {
            expired = expireIdleLocked();
        }
        expired.forEach(Session::close);
    }

    public void closeAll() {
        List<Session> all;
        synchronized (this) {
            all = List.copyOf(sessions.values());
            all.forEach(this::removeLocked);
        }
        all.forEach(Session::close);
    }

    private List<Session> expireIdleLocked() {
        long now = clock.millis();
        List<Session> expired = sessions.values().stream()
                .filter(s -> now - s.lastSeenMillis() > settings.idleTimeout().toMillis())
                .toList();
        expired.forEach(this::removeLocked);
        return expired;
    }

    /** The victim when the table is full: only a grant holding more than the newcomer's would, or null. */
    private Session leastRecentlyUsedOfLargestGrantOtherThan(String grant, int newcomerHolds) {
        String largest = null;
        int most = newcomerHolds + 1;
        for (Map.Entry<String, Integer> e : perGrant.entrySet()) {
            if (!e.getKey().equals(grant) && e.getValue() > most) {
                largest = e.getKey();
                most = e.getValue();
            }
        }
        if (largest == null) {
            return null;
        }
        String victimGrant = largest;
        return sessions.values().stream()
                .filter(s -> s.ownerRoot().equals(victimGrant))
                .min(Comparator.comparingLong(Session::lastSeenMillis))
                .orElse(null);
    }

    private void removeLocked(Session session) {
        if (sessions.remove(session.id(), session)) {
            perGrant.computeIfPresent(session.ownerRoot(), (k, n) -> n == 1 ? null : n - 1);
        }
    }

    private WarrantException quotaReached() {
        return WarrantException.of(Reason.SESSION_LIMIT, "this token's grant already holds " + settings.perGrant()
                + " sessions on this member; end one (DELETE) or let one expire");
    }
}
