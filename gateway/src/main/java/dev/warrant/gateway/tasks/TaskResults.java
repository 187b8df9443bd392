package dev.warrant.gateway.tasks;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.upstream.ToolEntry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * The agent's side of an upstream task: a {@code tools/call} answered with a task ({@code resultType: "task"})
 * becomes a task under Warrant's own handle ({@link #created}), and the answers to the agent's
 * {@code tasks/*} requests name that handle again ({@link #answered}). The upstream's task id never reaches the agent.
 *
 * <p>Warrant keeps a task at most {@link #MAX_TTL}, never past the creating token's expiry, and never longer than
 * the upstream said; the agent is told that time as the task's {@code ttlMs}.
 */
public final class TaskResults {

    static final Duration MAX_TTL = Duration.ofHours(24);
    private static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");

    private final TaskStore store;
    private final LiveTasks live;
    private final LiveTasks.Canceller canceller;
    private final Clock clock;

    public TaskResults(TaskStore store, LiveTasks live, LiveTasks.Canceller canceller, Clock clock) {
        this.store = store;
        this.live = live;
        this.canceller = canceller;
        this.clock = clock;
    }

    /** The upstream's answer to an agent's tools/call, with a task put under Warrant's handle. */
    public Future<JsonObject> created(McpExchange exchange, ToolEntry tool, JsonObject result) {
        if (!"task".equals(result.getValue("resultType"))) {
            return Future.succeededFuture(result);
        }
        if (!(result.getValue("taskId") instanceof String upstreamTaskId) || upstreamTaskId.isEmpty()) {
            return Future.failedFuture(WarrantException.of(Reason.UPSTREAM_PROTOCOL,
                    "upstream " + tool.server() + " answered with a task without a taskId"));
        }
        if (!TaskCapability.declaredBy(exchange)) {
            // Never passed on: the agent could not poll it. The upstream is told to stop.
            canceller.cancel(tool.server(), upstreamTaskId);
            return Future.failedFuture(WarrantException.of(Reason.UPSTREAM_PROTOCOL, "upstream " + tool.server()
                    + " answered with a task, which the caller did not declare it can handle"));
        }
        VerifiedToken token = exchange.token();
        Instant now = clock.instant();
        Instant expires = expiry(now, result.getValue("ttlMs"), token.expiresAt());
        String correlation = exchange.correlationId();
        if (correlation == null) {
            correlation = UUID.randomUUID().toString();
            exchange.correlationId(correlation);
        }
        Object arguments = exchange.request().params().getValue("arguments");
        TaskRecord record = new TaskRecord(tool.server(), tool.name(),
                arguments instanceof JsonObject a ? a : new JsonObject(),
                tool.risk() == null ? null : tool.risk().code(), upstreamTaskId, token.revocationIds(), correlation,
                expires);
        return store.create(record).transform(stored -> {
            if (stored.failed()) {
                canceller.cancel(tool.server(), upstreamTaskId);
                return Future.failedFuture(WarrantException.of(Reason.INTERNAL, "the task could not be stored"));
            }
            String handle = stored.result();
            live.track(handle, new LiveTasks.Live(token, tool.server(), upstreamTaskId, expires));
            JsonObject answer = result.copy();
            answer.put("taskId", handle);
            answer.put("ttlMs", Duration.between(now, expires).toMillis());
            return Future.succeededFuture(answer);
        });
    }

    /** An upstream's answer to a tasks/* request, naming the agent's handle instead of the upstream's id. */
    public JsonObject answered(McpExchange exchange, JsonObject result) {
        String handle = exchange.request().params().getString("taskId");
        if ("tasks/cancel".equals(exchange.method())
                || result.getValue("status") instanceof String s && TERMINAL.contains(s)) {
            live.untrack(handle);
        }
        if (result.containsKey("taskId")) {
            result.put("taskId", handle);
        }
        return result;
    }

    static Instant expiry(Instant now, Object upstreamTtl, Instant tokenExpiry) {
        Instant expires = now.plus(MAX_TTL);
        if (upstreamTtl instanceof Number ms && ms.longValue() > 0) {
            Instant upstream = now.plusMillis(ms.longValue());
            expires = upstream.isBefore(expires) ? upstream : expires;
        }
        return tokenExpiry.isBefore(expires) ? tokenExpiry : expires;
    }
}
