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
 * The sessions this member serves. A session id is sealed with the cluster's key and says what {@code initialize}
 * settled ({@link SessionIds}), so any member takes up a session it has not seen: the first request there makes
 * its local {@link Session} from the id. What changes later is shared ({@link SessionSharing}): the log level, the
 * last use (coarsely), and the end (DELETE, revocation), so an ended session is unknown on every member. An agent's
 * answer or cancellation for a call running on another member is sent there. Unknown, ended or expired ids answer
 * 404 so the client starts over (Streamable HTTP). docs/ARCHITECTURE.md §5.5.
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
    private final SessionIds ids;
    private final SessionSharing sharing;
    /** This member's prefix for the ids of requests it relays to agents. */
    private final String relayPrefix;
    /** When this member last published each session's use (so it publishes at most every few seconds). */
    private final Map<String, Long> published = new ConcurrentHashMap<>();
    /** Sessions per grant. Guarded by {@code this}. */
    private final Map<String, Integer> perGrant = new HashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final SessionSettings settings;

    /** A registry that shares with nobody (one member, or a unit test). */
    public SessionRegistry(Clock clock, SessionSettings settings) {
        this(clock, settings, SessionSharing.local());
    }

    public SessionRegistry(Clock clock, SessionSettings settings, SessionSharing sharing) {
        this.clock = clock;
        this.settings = settings;
        this.sharing = sharing;
        this.ids = new SessionIds(sharing.keys());
        byte[] tag = new byte[4];
        random.nextBytes(tag);
        this.relayPrefix = "warrant-" + HexFormat.of().formatHex(tag) + "-";
        sharing.onChange(this::sharedChange);
        sharing.onMessage(this::sharedMessage);
    }

    /**
     * A new session for an {@code initialize} still under way: usable by that request, invisible to every other
     * until {@link #admit}. Refuses at once a grant already at its quota, so a flood costs nothing more.
     */
    public Session open(String ownerRoot, String ownerCaller, String protocolVersion, JsonObject capabilities) {
        synchronized (this) {
            if (perGrant.getOrDefault(ownerRoot, 0) >= settings.perGrant()) {
                throw quotaReached();
            }
        }
        JsonObject declared = capabilities == null ? new JsonObject() : capabilities;
        long now = clock.millis();
        String id = ids.mint(new SessionIds.Facts(ownerRoot, ownerCaller, protocolVersion, declared, now));
        Session session = new Session(id, ownerRoot, ownerCaller, protocolVersion, now, relayPrefix);
        session.clientCapabilities(declared);
        return session;
    }

    /** Opens and admits a session at once (a session made outside a request, e.g. by a test or a tool). */
    public Session create(String ownerRoot, String ownerCaller, String protocolVersion) {
        Session session = open(ownerRoot, ownerCaller, protocolVersion, new JsonObject());
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
                session.onLevel(this::publishLevel);
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
        if (session == null) {
            session = takeUp(sessionId, ownerRoot, caller, now);
        } else if (session.isClosed() || idle(session.id(), session.lastSeenMillis(), now) || !ids.retained(session.id())) {
            remove(session);
            throw WarrantException.of(Reason.SESSION_UNKNOWN);
        }
        if (!session.isOwnedBy(ownerRoot, caller)) {
            throw WarrantException.of(Reason.SESSION_OWNER_MISMATCH);
        }
        session.touch(now);
        publishUse(session, now);
        return session;
    }

    /**
     * A session this member has not served (or dropped): made from its sealed id, unless the cluster knows it
     * ended or it has been idle too long everywhere. The owner is checked by the caller, before anything else
     * happens with it; a stranger's request for someone's session id makes no session here.
     */
    private Session takeUp(String sessionId, String ownerRoot, String caller, long now) {
        SessionIds.Facts facts = ids.open(sessionId);
        if (facts == null) {
            throw WarrantException.of(Reason.SESSION_UNKNOWN);
        }
        SharedSession shared = sharing.get(sessionId);
        if (shared != null && shared.ended() != null
                || idle(sessionId, Math.max(facts.createdMillis(), shared == null ? 0 : shared.lastSeenMillis()), now)) {
            throw WarrantException.of(Reason.SESSION_UNKNOWN);
        }
        if (!facts.ownerRoot().equals(ownerRoot) || !facts.ownerCaller().equals(caller)) {
            throw WarrantException.of(Reason.SESSION_OWNER_MISMATCH);
        }
        Session session = new Session(sessionId, facts.ownerRoot(), facts.ownerCaller(), facts.protocolVersion(), now,
                relayPrefix);
        session.clientCapabilities(facts.capabilities());
        if (shared != null && shared.logLevel() != null) {
            session.sharedLogLevel(shared.logLevel());
        }
        synchronized (this) {
            Session raced = sessions.get(sessionId);
            if (raced != null) {
                return raced; // another request took it up first
            }
        }
        admit(session);
        return session;
    }

    /** Idle too long, by this member's last use or the cluster's last published one. */
    private boolean idle(String sessionId, long lastSeenHere, long now) {
        long limit = settings.idleTimeout().toMillis();
        if (now - lastSeenHere <= limit) {
            return false;
        }
        SharedSession shared = sharing.get(sessionId);
        return shared == null || now - shared.lastSeenMillis() > limit;
    }

    /** Tells the cluster the session is in use, at most every tenth of the idle timeout (and every 30 s). */
    private void publishUse(Session session, long now) {
        long every = Math.min(settings.idleTimeout().toMillis() / 10, 30_000);
        Long last = published.get(session.id());
        if (last != null && now - last < every) {
            return;
        }
        publish(session, now);
    }

    private void publishLevel(Session session) {
        publish(session, clock.millis());
    }

    private void publish(Session session, long now) {
        published.put(session.id(), now);
        sharing.put(session.id(), new SharedSession(now, session.logLevel(), null), settings.idleTimeout());
    }

    /**
     * Ends a session on every member (DELETE, revocation): this member closes it now, the others when the
     * shared end reaches them; its id is unknown everywhere from then on.
     */
    public void end(Session session, Reason reason) {
        sharing.put(session.id(), new SharedSession(clock.millis(), session.logLevel(),
                reason == null ? "deleted" : reason.code()), settings.idleTimeout());
        if (reason == null) {
            remove(session);
        } else {
            remove(session, reason);
        }
    }

    /**
     * The agent's response to a relayed request: answered here, or sent to the member whose call asked.
     */
    public void answer(Session session, Object requestId, JsonObject response) {
        if (!session.answerServerRequest(requestId, response) && requestId instanceof String id
                && !id.startsWith(relayPrefix)) {
            sharing.send(new JsonObject().put("t", "answer").put("s", session.id()).put("i", id).put("b", response));
        }
    }

    /** The agent's {@code notifications/cancelled}: the call is cancelled here, or on the member running it. */
    public void cancel(Session session, Object requestId) {
        if (!session.cancelCall(requestId)) {
            sharing.send(new JsonObject().put("t", "cancel").put("s", session.id()).put("i", requestId));
        }
    }

    private void sharedChange(String sessionId, SharedSession state) {
        Session session = sessions.get(sessionId);
        if (session == null) {
            return;
        }
        if (state.ended() != null) {
            remove(session, Reason.REVOKED.code().equals(state.ended()) ? Reason.REVOKED : Reason.SESSION_UNKNOWN);
        } else if (!java.util.Objects.equals(state.logLevel(), session.logLevel()) && state.logLevel() != null) {
            session.sharedLogLevel(state.logLevel());
        }
    }

    private void sharedMessage(JsonObject message) {
        Session session = sessions.get(String.valueOf(message.getValue("s")));
        if (session == null) {
            return;
        }
        if ("answer".equals(message.getString("t"))) {
            session.answerServerRequest(message.getValue("i"), message.getJsonObject("b"));
        } else if ("cancel".equals(message.getString("t"))) {
            session.cancelCall(message.getValue("i"));
        }
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
        // Idle everywhere, not just here: a session whose GET stream is on this member may be busy on the others.
        // Older than sessions.maxAge (its id's key retired): gone everywhere at once, however busy.
        List<Session> expired = sessions.values().stream()
                .filter(s -> idle(s.id(), s.lastSeenMillis(), now) || !ids.retained(s.id()))
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
        published.remove(session.id());
        if (sessions.remove(session.id(), session)) {
            perGrant.computeIfPresent(session.ownerRoot(), (k, n) -> n == 1 ? null : n - 1);
        }
    }

    private WarrantException quotaReached() {
        return WarrantException.of(Reason.SESSION_LIMIT, "this token's grant already holds " + settings.perGrant()
                + " sessions on this member; end one (DELETE) or let one expire");
    }
}
