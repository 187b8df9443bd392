package dev.warrant.gateway.limit;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.Stage;
import dev.warrant.gateway.pipeline.StageKind;
import dev.warrant.gateway.upstream.ToolEntry;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import dev.warrant.policies.limits.LimitSettings;
import dev.warrant.policies.limits.RateLimiter;
import dev.warrant.policies.limits.Ticker;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Token-bucket rate limits (docs/ARCHITECTURE.md §4.4), before the policy decision so that a flood costs no authorizations:
 * one bucket per caller (the token's last delegatee) for every message but {@code ping}, a cancellation, an
 * answer to a relayed request and a DELETE (those only end work), and one bucket per
 * tool across all callers for {@code tools/call} of a tool that exists. Over a limit the call is refused with
 * {@code rate_limited} (a JSON-RPC error on HTTP 200, the session stays usable) and a retry hint.
 *
 * <p>Limits are per node: each node counts only the calls it serves (a cluster-wide count would cost a
 * network hop per call), so a caller spread over N nodes gets up to N times the rate.
 *
 * <p>Concurrency: runs on the event loop; the limiters are lock-free maps of per-key synchronized buckets.
 */
public final class LimitStage implements Stage {

    /** Keys tracked per limiter; beyond it, idle (full) buckets are dropped first. */
    static final int MAX_KEYS = 100_000;

    private final Optional<RateLimiter> perCaller;
    private final Optional<RateLimiter> perTool;
    private final UpstreamRegistry upstreams;

    public LimitStage(LimitSettings settings, UpstreamRegistry upstreams, Ticker ticker) {
        this.perCaller = settings.perCaller().map(l -> new RateLimiter(l, ticker, MAX_KEYS));
        this.perTool = settings.perTool().map(l -> new RateLimiter(l, ticker, MAX_KEYS));
        this.upstreams = upstreams;
    }

    @Override
    public StageKind kind() {
        return StageKind.LIMIT;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
        VerifiedToken token = exchange.token();
        // An unauthenticated message never got this far; what only lightens the gateway's load stays free.
        if (token == null || isFree(exchange)) {
            return chain.proceed(exchange);
        }
        if (perCaller.isPresent()) {
            check(perCaller.get(), token.caller(), "caller");
        }
        if (perTool.isPresent() && "tools/call".equals(exchange.method())) {
            String tool = existingTool(exchange);
            if (tool != null) {
                check(perTool.get(), tool, "tool " + tool);
            }
        }
        return chain.proceed(exchange);
    }

    /**
     * Liveness checks, and what only ends work the caller started: cancelling its own call, answering a request
     * relayed to it, ending its session. A caller over its limit must still be able to stop what it began.
     */
    private static boolean isFree(McpExchange exchange) {
        return switch (exchange.kind()) {
            case RESPONSE, END_SESSION -> true;
            case NOTIFICATION -> "notifications/cancelled".equals(exchange.method());
            case REQUEST -> "ping".equals(exchange.method());
            default -> false;
        };
    }

    private static void check(RateLimiter limiter, String key, String what) {
        long waitNanos = limiter.tryAcquire(key);
        if (waitNanos > 0) {
            long retryMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos));
            throw WarrantException.of(Reason.RATE_LIMITED,
                    what + " is over " + limiter.limit() + " on this node; retry after " + retryMillis + " ms");
        }
    }

    /**
     * The exposed name of the called tool, or null when no such tool exists (AuthorizeStage then answers
     * unknown_tool): unknown names must not create buckets.
     */
    private String existingTool(McpExchange exchange) {
        if (!(exchange.request().params().getValue("name") instanceof String name)) {
            return null;
        }
        String server = exchange.virtualServer();
        String exposed = server == null ? name : ToolEntry.expose(server, name);
        ToolEntry tool = upstreams.catalog().find(exposed);
        if (tool == null || (server != null && !tool.server().equals(server))) {
            return null;
        }
        return exposed;
    }
}
