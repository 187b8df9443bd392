package dev.warrant.gateway.pipeline;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.modern.ModernEnvelope;
import dev.warrant.gateway.transport.CallScope;
import dev.warrant.gateway.transport.JsonRpc;
import dev.warrant.gateway.transport.ModernRequest;
import dev.warrant.gateway.transport.Session;
import dev.warrant.gateway.upstream.ToolEntry;
import dev.warrant.gateway.upstream.UpstreamRoute;
import dev.warrant.policies.Verdict;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * One message of an agent on its way through the stages (docs/ARCHITECTURE.md §2). Per-call data travels in
 * typed slots (§2.3), each written once, by one stage; a second write fails and names both writers:
 * <ul>
 *   <li>{@link #token()}: AuthenticateStage</li>
 *   <li>{@link #span()}, {@link #traceContext()}: TraceStage (or RecordStage for a message refused before it)</li>
 *   <li>{@link #session()} (2025 era) or {@link #envelope()} and {@link #scope()} (2026 era): SessionStage</li>
 *   <li>{@link #target()}, {@link #route()}, {@link #verdict()}: AuthorizeStage</li>
 *   <li>{@link #approvalId()}, then {@link #approver()} and {@link #approverReason()}: ApprovalStage</li>
 * </ul>
 * Concurrency: an exchange lives on the event loop of its HTTP connection; stages that go off-loop hop back
 * before touching it.
 */
public final class McpExchange {

    private static final String OUTSIDE = "code outside the pipeline";

    private final MessageKind kind;
    private final JsonRpc.Request request;
    private final JsonObject body;
    private final HttpFacts http;
    private final ReplyChannel channel;
    private final long startEpochNanos;
    private final String virtualServer;
    /** The stage running now, so a slot written twice can name who wrote it. */
    private String stage = OUTSIDE;

    private final Slot<VerifiedToken> token = new Slot<>("token");
    private final Slot<Span> span = new Slot<>("span");
    private Context traceContext = Context.root();
    private final Slot<Session> session = new Slot<>("session");
    private final Slot<ModernEnvelope> envelope = new Slot<>("envelope");
    private final Slot<ModernRequest> scope = new Slot<>("scope");
    private final Slot<ToolEntry> target = new Slot<>("target");
    private final Slot<UpstreamRoute> route = new Slot<>("route");
    private final Slot<Verdict> verdict = new Slot<>("verdict");
    private final Slot<String> approvalId = new Slot<>("approvalId");
    private final Slot<String> approver = new Slot<>("approver");
    private final Slot<String> approverReason = new Slot<>("approverReason");
    private final Slot<String> correlationId = new Slot<>("correlationId");

    public McpExchange(JsonRpc.Request request, HttpFacts http, ReplyChannel channel, long startEpochNanos) {
        this(request, http, channel, startEpochNanos, null);
    }

    /** @param virtualServer the upstream named by {@code /servers/{name}/mcp}; null on {@code /mcp} */
    public McpExchange(JsonRpc.Request request, HttpFacts http, ReplyChannel channel, long startEpochNanos,
                       String virtualServer) {
        this(MessageKind.REQUEST, request, null, http, channel, startEpochNanos, virtualServer);
    }

    private McpExchange(MessageKind kind, JsonRpc.Request request, JsonObject body, HttpFacts http,
                        ReplyChannel channel, long startEpochNanos, String virtualServer) {
        this.kind = Objects.requireNonNull(kind);
        this.request = Objects.requireNonNull(request);
        this.body = body;
        this.http = Objects.requireNonNull(http);
        this.channel = Objects.requireNonNull(channel);
        this.startEpochNanos = startEpochNanos;
        this.virtualServer = virtualServer;
    }

    /** A POSTed notification: {@link #method()} is its method, {@link #request()} has a null id. */
    public static McpExchange notification(JsonRpc.Notification notification, HttpFacts http, long startEpochNanos,
                                           String virtualServer) {
        return new McpExchange(MessageKind.NOTIFICATION,
                new JsonRpc.Request(null, notification.method(), notification.params()), null, http,
                ReplyChannel.NONE, startEpochNanos, virtualServer);
    }

    /** The agent's answer to a relayed request: {@link #body()} is the whole message, the id its id. */
    public static McpExchange response(JsonRpc.Response response, HttpFacts http, long startEpochNanos,
                                       String virtualServer) {
        return new McpExchange(MessageKind.RESPONSE,
                new JsonRpc.Request(response.id(), MessageKind.RESPONSE.label(), new JsonObject()), response.body(),
                http, ReplyChannel.NONE, startEpochNanos, virtualServer);
    }

    /** A GET, a DELETE or an unreadable POST: no JSON-RPC message, the kind's label as method. */
    public static McpExchange transport(MessageKind kind, HttpFacts http, long startEpochNanos, String virtualServer) {
        if (kind != MessageKind.OPEN_STREAM && kind != MessageKind.END_SESSION && kind != MessageKind.UNREADABLE) {
            throw new IllegalArgumentException(kind + " carries a JSON-RPC message");
        }
        return new McpExchange(kind, new JsonRpc.Request(null, kind.label(), new JsonObject()), null, http,
                ReplyChannel.NONE, startEpochNanos, virtualServer);
    }

    public MessageKind kind() {
        return kind;
    }

    /** The request; for other kinds a stand-in with their method (or label), params and id (or null). */
    public JsonRpc.Request request() {
        return request;
    }

    public String method() {
        return request.method();
    }

    /** The whole JSON-RPC message of a {@link MessageKind#RESPONSE}; null for other kinds. */
    public JsonObject body() {
        return body;
    }

    public HttpFacts http() {
        return http;
    }

    public ReplyChannel channel() {
        return channel;
    }

    public long startEpochNanos() {
        return startEpochNanos;
    }

    /**
     * The upstream this request addresses as a virtual server ({@code /servers/{name}/mcp}, original names),
     * or null on {@code /mcp} (all upstreams, {@code server__name}).
     */
    public String virtualServer() {
        return virtualServer;
    }

    /**
     * Names the stage running now, so that a slot written twice can name its writers: called by the pipeline
     * as each stage starts, and by a stage that resumes once the stages inside it have finished.
     */
    public void enter(String stageName) {
        stage = stageName;
    }

    /** The verified token; null before AuthenticateStage or when authentication failed. */
    public VerifiedToken token() {
        return token.get();
    }

    public void token(VerifiedToken value) {
        token.set(value, stage);
    }

    public Span span() {
        return span.get();
    }

    public Context traceContext() {
        return traceContext;
    }

    public void span(Span value, Context context) {
        span.set(value, stage);
        this.traceContext = context;
    }

    public Session session() {
        return session.get();
    }

    public void session(Session value) {
        session.set(value, stage);
    }

    /** What a 2026-07-28 request said about its client in {@code _meta}; null for 2025-era messages. */
    public ModernEnvelope envelope() {
        return envelope.get();
    }

    public void envelope(ModernEnvelope value) {
        envelope.set(value, stage);
    }

    /** The in-flight 2026-07-28 request as a scope revocation can end; null for 2025-era messages. */
    public ModernRequest scope() {
        return scope.get();
    }

    public void scope(ModernRequest value) {
        scope.set(value, stage);
    }

    /** What this message's calls belong to: its session (2025) or itself (2026); null before SessionStage. */
    public CallScope callScope() {
        ModernRequest s = scope.get();
        return s != null ? s : session.get();
    }

    /** The message was sent in the 2026-07-28 era (stateless, no session). */
    public boolean modern() {
        return http.modern();
    }

    /** The protocol version the message was sent in: its envelope's or its session's; null before either is known. */
    public String protocolVersion() {
        ModernEnvelope e = envelope.get();
        if (e != null) {
            return e.version();
        }
        Session s = session.get();
        return s == null ? null : s.protocolVersion();
    }

    /** Whether the client declared {@code capability} (this request's {@code _meta}, or its session's initialize). */
    public boolean clientDeclares(String capability) {
        ModernEnvelope e = envelope.get();
        if (e != null) {
            return e.declares(capability);
        }
        Session s = session.get();
        return s != null && s.declares(capability);
    }

    /** Whether a 2026 client declared the extension {@code id} in this request (2025 sessions declare none). */
    public boolean clientDeclaresExtension(String id) {
        ModernEnvelope e = envelope.get();
        return e != null && e.declaresExtension(id);
    }

    /** The catalog entry of the tool a tools/call targets; null for other methods. */
    public ToolEntry target() {
        return target.get();
    }

    public void target(ToolEntry value) {
        target.set(value, stage);
    }

    /** Where an authorized resources/prompts/completion request goes; null for other methods. */
    public UpstreamRoute route() {
        return route.get();
    }

    public void route(UpstreamRoute value) {
        route.set(value, stage);
    }

    public Verdict verdict() {
        return verdict.get();
    }

    public void verdict(Verdict value) {
        verdict.set(value, stage);
    }

    /** The human approval this call was held for (ApprovalStage); null when none was needed. */
    public String approvalId() {
        return approvalId.get();
    }

    /** Who approved or denied the held call; null while pending, on timeout, or when none was needed. */
    public String approver() {
        return approver.get();
    }

    /** The call is held for approval {@code id}: the audit line names it whatever happens to it. */
    public void approvalId(String id) {
        approvalId.set(id, stage);
    }

    /** The multi round-trip request this one is a round of (2026-07-28 input_required); null when none. */
    public String correlationId() {
        return correlationId.get();
    }

    public void correlationId(String id) {
        correlationId.set(id, stage);
    }

    /** The approver's own words for the decision; null when they gave none, or no one decided. */
    public String approverReason() {
        return approverReason.get();
    }

    /** Who decided the held call (approved or denied it), and the words they gave, if any. */
    public void decidedBy(String who, String reason) {
        approver.set(who, stage);
        approverReason.set(reason, stage);
    }
}
