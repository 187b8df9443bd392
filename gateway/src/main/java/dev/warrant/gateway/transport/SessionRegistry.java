package dev.warrant.gateway.transport;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions of this node. Ids are 128 random bits; unknown or expired ids answer 404 so the client
 * starts over (Streamable HTTP).
 */
public final class SessionRegistry {

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration idleTimeout;
    private final int maxSessions;

    public SessionRegistry(Clock clock, Duration idleTimeout, int maxSessions) {
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.maxSessions = maxSessions;
    }

    public Session create(String ownerRoot, String ownerCaller, String protocolVersion) {
        if (sessions.size() >= maxSessions) {
            expireIdle();
            if (sessions.size() >= maxSessions) {
                throw WarrantException.of(Reason.INVALID_REQUEST, "too many sessions");
            }
        }
        byte[] id = new byte[16];
        random.nextBytes(id);
        Session session = new Session(HexFormat.of().formatHex(id), ownerRoot, ownerCaller, protocolVersion,
                clock.millis());
        sessions.put(session.id(), session);
        return session;
    }

    /** The live session for this id, owned by this caller; refuses with 400/403/404 otherwise. */
    public Session resolve(String sessionId, String ownerRoot, String caller) {
        if (sessionId == null || sessionId.isEmpty()) {
            throw WarrantException.of(Reason.SESSION_MISSING, "Mcp-Session-Id header required");
        }
        Session session = sessions.get(sessionId);
        long now = clock.millis();
        if (session == null || session.isClosed() || now - session.lastSeenMillis() > idleTimeout.toMillis()) {
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
        sessions.remove(session.id(), session);
        session.close();
    }

    /** Ends a session for a reason of the gateway's (e.g. its token was revoked); its calls answer with it. */
    public void remove(Session session, Reason reason) {
        sessions.remove(session.id(), session);
        session.close(reason);
    }

    public int size() {
        return sessions.size();
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
    public int pushToStreams(io.vertx.core.json.JsonObject message, java.util.function.Predicate<Session> audience) {
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
        long now = clock.millis();
        for (Session s : sessions.values()) {
            if (now - s.lastSeenMillis() > idleTimeout.toMillis()) {
                remove(s);
            }
        }
    }

    public void closeAll() {
        sessions.values().forEach(this::remove);
    }
}
