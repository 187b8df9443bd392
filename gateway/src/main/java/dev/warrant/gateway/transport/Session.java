package dev.warrant.gateway.transport;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.auth.BearerMemo;
import dev.warrant.gateway.errors.Reason;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
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
 * agent may use several connections); mutable state is volatile or concurrent, and the GET stream is an
 * {@link EventStream}, which has a lock of its own.
 */
public final class Session implements CallScope {

    /** The last bearer token presented on this session (AuthenticateStage skips the cache digest on a match). */
    private final BearerMemo bearerMemo = new BearerMemo(t -> isOwnedBy(t.grant(), t.caller()));

    public BearerMemo bearerMemo() {
        return bearerMemo;
    }


    private final String id;
    private final String ownerRoot;
    private final String ownerCaller;
    private final String protocolVersion;
    private final InFlightCalls inFlight = new InFlightCalls();
    private final Set<VerifiedToken> tokens = ConcurrentHashMap.newKeySet();
    /** Requests the gateway relayed to this agent (sampling, elicitation, roots), by the id it gave them. */
    private final Map<String, CompletableFuture<JsonObject>> serverRequests = new ConcurrentHashMap<>();
    private final AtomicLong lastServerRequestId = new AtomicLong();
    private volatile JsonObject clientCapabilities = new JsonObject();
    private volatile String logLevel;
    /** The GET stream and its recent events, for an agent that reconnects with Last-Event-ID. */
    private final EventStream events = new EventStream();
    private volatile java.util.Optional<String> peer = java.util.Optional.empty();
    private volatile long lastSeenMillis;
    private volatile boolean closed;
    /** Why the gateway ended this session (e.g. revoked); null while open and when the client ended it. */
    private volatile Reason endReason;

    /** Makes this member's relayed request ids differ from another member's for the same session. */
    private final String requestIdPrefix;
    /** Told when the agent sets a log level here, so the other members learn it. */
    private volatile java.util.function.Consumer<Session> onLevel = s -> { };

    Session(String id, String ownerRoot, String ownerCaller, String protocolVersion, long nowMillis) {
        this(id, ownerRoot, ownerCaller, protocolVersion, nowMillis, "warrant-");
    }

    Session(String id, String ownerRoot, String ownerCaller, String protocolVersion, long nowMillis,
            String requestIdPrefix) {
        this.id = id;
        this.ownerRoot = ownerRoot;
        this.ownerCaller = ownerCaller;
        this.protocolVersion = protocolVersion;
        this.lastSeenMillis = nowMillis;
        this.requestIdPrefix = requestIdPrefix;
    }

    void onLevel(java.util.function.Consumer<Session> listener) {
        onLevel = listener;
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

    /** The revocation id of the owner's authority block: the grant this session counts against. */
    public String ownerRoot() {
        return ownerRoot;
    }

    public boolean isOwnedBy(String rootRevocationId, String caller) {
        return ownerRoot.equals(rootRevocationId) && ownerCaller.equals(caller);
    }

    /** The capabilities the agent declared at initialize (sampling, elicitation, roots, ...). */
    public void clientCapabilities(JsonObject capabilities) {
        clientCapabilities = capabilities == null ? new JsonObject() : capabilities.copy();
    }

    /** Whether the agent declared this client capability at initialize. */
    public boolean declares(String capability) {
        return clientCapabilities.getValue(capability) instanceof JsonObject;
    }

    /** The level the agent last set with logging/setLevel, or null if it never did. */
    public String logLevel() {
        return logLevel;
    }

    public void logLevel(String level) {
        logLevel = level;
        onLevel.accept(this);
    }

    /** A level another member published: taken without publishing it again. */
    void sharedLogLevel(String level) {
        logLevel = level;
    }

    /**
     * Registers a request about to be sent to this agent and returns the id it must carry. Ids are this
     * session's own: only a response POSTed on this session (whose owner the transport checked) can complete
     * {@code answer}. Fails {@code answer} at once if the session is closed.
     */
    public String openServerRequest(CompletableFuture<JsonObject> answer) {
        String id = requestIdPrefix + lastServerRequestId.incrementAndGet();
        serverRequests.put(id, answer);
        if (closed && serverRequests.remove(id, answer)) {
            answer.completeExceptionally(new IllegalStateException("the session is closed"));
        }
        return id;
    }

    /** Forgets a relayed request (answered, timed out, or its call ended). */
    public void dropServerRequest(String id) {
        serverRequests.remove(id);
    }

    /**
     * The agent's response (the whole JSON-RPC message) to a relayed request.
     *
     * @return false when this session has no such request in flight (unknown, late, or another session's)
     */
    public boolean answerServerRequest(Object id, JsonObject response) {
        CompletableFuture<JsonObject> answer = id instanceof String s ? serverRequests.remove(s) : null;
        if (answer == null) {
            return false;
        }
        answer.complete(response);
        return true;
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

    /** The connection's mTLS peer as last seen on this session, for decisions made outside a request. */
    public void notePeer(java.util.Optional<String> peer) {
        this.peer = peer == null ? java.util.Optional.empty() : peer;
    }

    public java.util.Optional<String> peer() {
        return peer;
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
    @Override
    public void trackCall(Object requestId, Runnable cancel) {
        inFlight.track(requestId, cancel);
    }

    @Override
    public void untrackCall(Object requestId) {
        inFlight.untrack(requestId);
    }

    /** @return true when a call with this id was in flight and has been asked to cancel */
    public boolean cancelCall(Object requestId) {
        return inFlight.cancel(requestId);
    }

    /**
     * The standalone GET stream, if the agent opened one; the previous one is replaced. With a
     * {@code lastEventId} this buffer can continue from, the events after it are written first (resumption);
     * otherwise the stream starts fresh. {@code priming} adds the SEP-1699 event (an id, empty data) when
     * nothing was replayed, so the agent holds an id to resume from before the first message. On a closed
     * session the response is ended at once.
     *
     * @return how many events were replayed, or -1 when the stream started fresh
     */
    int attachStream(HttpServerResponse response, String lastEventId, boolean priming) {
        return events.attach(response, lastEventId, priming);
    }

    void detachStream(HttpServerResponse response) {
        events.detach(response);
    }

    /** Whether the agent has a standalone GET stream open (where server-initiated messages go). */
    public boolean hasStream() {
        return events.hasStream();
    }

    /** Whether the agent ever opened a GET stream: its server-initiated messages are then kept for replay. */
    public boolean isListening() {
        return !closed && events.isListening();
    }

    /**
     * Sends a server-initiated message on the GET stream, numbered and kept for replay; while the agent is
     * between GET streams it is only kept, and sent when the agent resumes with Last-Event-ID.
     *
     * @return false when the agent never opened a GET stream (nothing is kept then: it could not resume)
     */
    public boolean push(JsonObject message) {
        return !closed && events.push(message);
    }

    /** The id prefix for the events of a POST answer that turned into SSE, unique within this session. */
    String postStreamPrefix() {
        return events.postStreamPrefix();
    }

    /**
     * Why the gateway ended this session ({@link Reason#REVOKED} when its token was revoked), so the calls it
     * cancels answer with that reason; null while the session is open and when the client ended it.
     */
    @Override
    public Reason endReason() {
        return endReason;
    }

    /** Records why the gateway is about to end this session; {@link #close()} then ends it. */
    void endReason(Reason reason) {
        endReason = reason;
    }

    /** Ends the session for {@code reason}: in-flight calls are cancelled (and can ask why), the GET stream ends. */
    void close(Reason reason) {
        endReason = reason;
        close();
    }

    void close() {
        closed = true;
        inFlight.endAll();
        serverRequests.values().forEach(a -> a.completeExceptionally(new IllegalStateException("the session is closed")));
        serverRequests.clear();
        events.close();
    }
}
