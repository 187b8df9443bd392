package dev.warrant.gateway.limit;

import com.hazelcast.core.HazelcastInstance;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.Stage;
import dev.warrant.gateway.pipeline.StageKind;
import dev.warrant.gateway.upstream.ToolEntry;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import dev.warrant.policies.limits.LimitSettings;
import dev.warrant.policies.limits.LimitScope;
import dev.warrant.policies.limits.RateLimit;
import dev.warrant.policies.limits.Ticker;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Token-bucket rate limits (docs/ARCHITECTURE.md §4.4), before the policy decision so that a flood costs no authorizations:
 * one bucket per caller (the token's last delegatee) for every message but {@code ping}, a cancellation, an
 * answer to a relayed request and a DELETE (those only end work), and one bucket per
 * tool across all callers for {@code tools/call} of a tool that exists. Over a limit the call is refused with
 * {@code rate_limited} (a JSON-RPC error on HTTP 200, the session stays usable) and a retry hint.
 *
 * <p>What a rate means across members is the settings' {@link LimitScope}: by default each member allows its
 * share (the rate divided by the members it sees, no network); {@code cluster} keeps one bucket per key in
 * Hazelcast; {@code member} lets each member allow the whole rate.
 *
 * <p>Concurrency: runs on the event loop; local limiters are lock-free maps of per-key synchronized buckets;
 * cluster limits answer on the exchange's context.
 */
public final class LimitStage implements Stage {

    /** Keys tracked per limiter; beyond it, idle (full) buckets are dropped first. */
    static final int MAX_KEYS = 100_000;

    private static final Future<Void> PROCEED = Future.succeededFuture();

    private final Optional<KeyedLimit> perCaller;
    private final Optional<KeyedLimit> perTool;
    private final UpstreamRegistry upstreams;

    /** Limits counted by this member alone, whatever the scope says (one member, or a unit test). */
    public LimitStage(LimitSettings settings, UpstreamRegistry upstreams, Ticker ticker) {
        this(settings, upstreams, ticker, () -> 1, null);
    }

    /**
     * @param members   how many members the cluster has now (for the divided scope)
     * @param hazelcast where cluster-scope buckets live; null only when the scope is not {@code cluster}
     */
    public LimitStage(LimitSettings settings, UpstreamRegistry upstreams, Ticker ticker, IntSupplier members,
                      HazelcastInstance hazelcast) {
        this.perCaller = settings.perCaller().map(l -> limit(settings.scope(), "caller", l, ticker, members, hazelcast));
        this.perTool = settings.perTool().map(l -> limit(settings.scope(), "tool", l, ticker, members, hazelcast));
        this.upstreams = upstreams;
    }

    private static KeyedLimit limit(LimitScope scope, String namespace, RateLimit limit, Ticker ticker,
                                    IntSupplier members, HazelcastInstance hazelcast) {
        LocalLimit share = new LocalLimit(limit, members, ticker, MAX_KEYS);
        return switch (scope) {
            case MEMBER -> new LocalLimit(limit, () -> 1, ticker, MAX_KEYS);
            case DIVIDED -> share;
            case CLUSTER -> hazelcast == null ? share : new ClusterLimit(hazelcast, namespace, limit, share);
        };
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
        Future<Void> checked = perCaller.isPresent() ? check(perCaller.get(), token.caller(), "caller") : PROCEED;
        if (perTool.isPresent() && "tools/call".equals(exchange.method())) {
            String tool = existingTool(exchange);
            if (tool != null) {
                checked = checked.compose(v -> check(perTool.get(), tool, "tool " + tool));
            }
        }
        return checked == PROCEED ? chain.proceed(exchange) : checked.compose(v -> chain.proceed(exchange));
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

    private static Future<Void> check(KeyedLimit limit, String key, String what) {
        Future<Long> wait = limit.tryAcquire(key);
        if (wait.isComplete() && wait.succeeded()) {
            return proceedOrRefuse(limit, what, wait.result());
        }
        return wait.compose(nanos -> proceedOrRefuse(limit, what, nanos));
    }

    private static Future<Void> proceedOrRefuse(KeyedLimit limit, String what, long waitNanos) {
        if (waitNanos <= 0) {
            return PROCEED;
        }
        long retryMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos));
        throw WarrantException.of(Reason.RATE_LIMITED,
                what + " is over " + limit.limit() + "; retry after " + retryMillis + " ms");
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
