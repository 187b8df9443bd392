package dev.warrant.gateway.transport;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

import dev.warrant.delegation.VerifiedToken;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * One agent's MCP session on this node.
 *
 * <p>A session grants nothing: every request is authenticated and authorized on its own. The session is
 * bound to its owner (the authority block's revocation id and the caller) so another agent cannot read its
 * server-to-client stream or cancel its calls.
 *
 * <p>Concurrency: fields are touched from the event loops of the connections that use the session (an
 * agent may use several connections); mutable state is volatile or concurrent.
 */
public final class Session {

    private final String id;
    private final String ownerRoot;
    private final String ownerCaller;
    private final String protocolVersion;
    private final Map<Object, Runnable> inFlight = new ConcurrentHashMap<>();
    private final Set<VerifiedToken> tokens = ConcurrentHashMap.newKeySet();
    private volatile HttpServerResponse stream;
    private volatile long lastSeenMillis;
    private volatile boolean closed;

    Session(String id, String ownerRoot, String ownerCaller, String protocolVersion, long nowMillis) {
        this.id = id;
        this.ownerRoot = ownerRoot;
        this.ownerCaller = ownerCaller;
        this.protocolVersion = protocolVersion;
        this.lastSeenMillis = nowMillis;
    }

    public String id() {
        return id;
    }

    public String protocolVersion() {
        return protocolVersion;
    }

    public String ownerCaller() {
        return ownerCaller;
    }

    public boolean isOwnedBy(String rootRevocationId, String caller) {
        return ownerRoot.equals(rootRevocationId) && ownerCaller.equals(caller);
    }

    /** Remembers a token used on this session (the first few distinct ones), so a revocation can end it. */
    public void noteToken(VerifiedToken token) {
        if (tokens.size() < MAX_TOKENS) {
            tokens.add(token);
        }
    }

    /** Whether any token used on this session matches, e.g. is now revoked. */
    public boolean usedByAny(Predicate<VerifiedToken> test) {
        for (VerifiedToken t : tokens) {
            if (test.test(t)) {
                return true;
            }
        }
        return false;
    }

    // Cached tokens are one instance each, so a session normally holds one or two; later requests are
    // still checked one by one, this only decides which sessions a revocation ends at once.
    private static final int MAX_TOKENS = 16;

    public boolean isClosed() {
        return closed;
    }

    void touch(long nowMillis) {
        lastSeenMillis = nowMillis;
    }

    long lastSeenMillis() {
        return lastSeenMillis;
    }

    /** Registers a cancel action for an in-flight request, so notifications/cancelled can reach it. */
    public void trackCall(Object requestId, Runnable cancel) {
        inFlight.put(normalizeId(requestId), cancel);
    }

    public void untrackCall(Object requestId) {
        inFlight.remove(normalizeId(requestId));
    }

    /** @return true when a call with this id was in flight and has been asked to cancel */
    public boolean cancelCall(Object requestId) {
        Runnable cancel = inFlight.remove(normalizeId(requestId));
        if (cancel == null) {
            return false;
        }
        cancel.run();
        return true;
    }

    /** The standalone GET stream, if the agent opened one; the previous one is replaced. */
    void attachStream(HttpServerResponse response) {
        HttpServerResponse previous = stream;
        stream = response;
        if (previous != null && !previous.ended()) {
            previous.end();
        }
    }

    void detachStream(HttpServerResponse response) {
        if (stream == response) {
            stream = null;
        }
    }

    /** Sends a server-initiated message on the GET stream; false when no stream is open. */
    public boolean push(JsonObject message) {
        HttpServerResponse s = stream;
        if (s == null || s.ended() || s.closed()) {
            return false;
        }
        s.write(Sse.event(message));
        return true;
    }

    void close() {
        closed = true;
        inFlight.values().forEach(Runnable::run);
        inFlight.clear();
        HttpServerResponse s = stream;
        stream = null;
        if (s != null && !s.ended() && !s.closed()) {
            s.end();
        }
    }

    // JSON numbers arrive as Integer or Long depending on size; cancellation must match either way.
    private static Object normalizeId(Object id) {
        return id instanceof Number n ? (Object) n.longValue() : id;
    }
}
