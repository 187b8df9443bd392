package dev.warrant.gateway.pipeline;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.transport.JsonRpc;
import dev.warrant.gateway.transport.Session;
import dev.warrant.gateway.upstream.ToolEntry;
import dev.warrant.gateway.upstream.UpstreamRoute;
import dev.warrant.policies.Verdict;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;

import java.util.Objects;

/**
 * One JSON-RPC request on its way through the stages. Per-call data travels in typed slots (docs/ARCHITECTURE.md §2.3),
 * each written by exactly one stage:
 * <ul>
 *   <li>{@link #token()} — AuthenticateStage</li>
 *   <li>{@link #span()}, {@link #traceContext()} — TraceStage</li>
 *   <li>{@link #session()} — SessionStage</li>
 *   <li>{@link #target()}, {@link #route()}, {@link #verdict()} — AuthorizeStage</li>
 * </ul>
 * Concurrency: an exchange lives on the event loop of its HTTP connection; stages that go off-loop hop back
 * before touching it.
 */
public final class McpExchange {

    private final JsonRpc.Request request;
    private final HttpFacts http;
    private final ReplyChannel channel;
    private final long startEpochNanos;
    private final String virtualServer;

    private VerifiedToken token;
    private Span span;
    private Context traceContext = Context.root();
    private Session session;
    private ToolEntry target;
    private UpstreamRoute route;
    private Verdict verdict;

    public McpExchange(JsonRpc.Request request, HttpFacts http, ReplyChannel channel, long startEpochNanos) {
        this(request, http, channel, startEpochNanos, null);
    }

    /** @param virtualServer the upstream named by {@code /servers/{name}/mcp}; null on {@code /mcp} */
    public McpExchange(JsonRpc.Request request, HttpFacts http, ReplyChannel channel, long startEpochNanos,
                       String virtualServer) {
        this.request = Objects.requireNonNull(request);
        this.http = Objects.requireNonNull(http);
        this.channel = Objects.requireNonNull(channel);
        this.startEpochNanos = startEpochNanos;
        this.virtualServer = virtualServer;
    }

    public JsonRpc.Request request() {
        return request;
    }

    public String method() {
        return request.method();
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

    /** The verified token; null before AuthenticateStage or when authentication failed. */
    public VerifiedToken token() {
        return token;
    }

    public void token(VerifiedToken token) {
        this.token = token;
    }

    public Span span() {
        return span;
    }

    public Context traceContext() {
        return traceContext;
    }

    public void span(Span span, Context context) {
        this.span = span;
        this.traceContext = context;
    }

    public Session session() {
        return session;
    }

    public void session(Session session) {
        this.session = session;
    }

    /** The catalog entry of the tool a tools/call targets; null for other methods. */
    public ToolEntry target() {
        return target;
    }

    public void target(ToolEntry target) {
        this.target = target;
    }

    /** Where an authorized resources/prompts/completion request goes; null for other methods. */
    public UpstreamRoute route() {
        return route;
    }

    public void route(UpstreamRoute route) {
        this.route = route;
    }

    public Verdict verdict() {
        return verdict;
    }

    public void verdict(Verdict verdict) {
        this.verdict = verdict;
    }

    private String approvalId;
    private String approver;

    /** The human approval this call was held for (ApprovalStage); null when none was needed. */
    public String approvalId() {
        return approvalId;
    }

    /** Who approved or denied the held call; null while pending, on timeout, or when none was needed. */
    public String approver() {
        return approver;
    }

    public void approval(String id, String approver) {
        this.approvalId = id;
        this.approver = approver;
    }
}
