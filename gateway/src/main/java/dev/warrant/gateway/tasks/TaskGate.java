package dev.warrant.gateway.tasks;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.json.JsonValues;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.upstream.ToolEntry;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import dev.warrant.gateway.upstream.UpstreamRoute;
import dev.warrant.policies.Operation;
import dev.warrant.policies.RiskTier;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a {@code tasks/get}, {@code tasks/update} or {@code tasks/cancel} is about, before it is decided
 * (docs/ARCHITECTURE.md §2.7). The agent names a task by Warrant's handle; the handle opens the task only for the
 * token chain that created it (the same revocation ids, block for block: neither a sibling nor a delegatee),
 * and on {@code /servers/{name}/mcp} only for that upstream. Anything else is {@code task_unknown}, the same
 * answer as for a handle never issued, so a stolen handle tells its holder nothing.
 *
 * <p>The request is then decided as what it continues: the tool call that created the task, with its tool and
 * arguments, under the method {@code tasks/get} (or update, cancel). So the token must still hold the tool, its
 * argument checks must still pass, and a policy may treat the three methods apart.
 */
public final class TaskGate {

    public static final Set<String> METHODS = Set.of("tasks/get", "tasks/update", "tasks/cancel");

    /** The one answer for a handle that opens nothing for this caller, whatever the reason. */
    public static WarrantException unknown() {
        return WarrantException.of(Reason.TASK_UNKNOWN, "no task with this handle for this token");
    }

    /** The decision's two questions (the request, and whether the caller may see the tool) and the route. */
    public record Target(Operation operation, Operation visibility, UpstreamRoute route) {
    }

    private final TaskStore store;
    private final UpstreamRegistry upstreams;

    public TaskGate(TaskStore store, UpstreamRegistry upstreams) {
        this.store = store;
        this.upstreams = upstreams;
    }

    public Future<Target> resolve(McpExchange exchange) {
        String method = exchange.method();
        if (!exchange.modern()) {
            // The 2026 tasks extension is not the 2025-11-25 tasks utility: a 2025 session has no such method.
            throw WarrantException.of(Reason.METHOD_NOT_FOUND, method);
        }
        TaskCapability.require(exchange, method);
        JsonObject params = exchange.request().params();
        if (!(params.getValue("taskId") instanceof String handle)) {
            throw WarrantException.of(Reason.INVALID_PARAMS, method + " needs a string 'taskId'");
        }
        if ("tasks/update".equals(method) && !(params.getValue("inputResponses") instanceof JsonObject)) {
            throw WarrantException.of(Reason.INVALID_PARAMS, "tasks/update needs an 'inputResponses' object");
        }
        return store.find(handle).map(record -> target(exchange, method, params, record));
    }

    private Target target(McpExchange exchange, String method, JsonObject params, TaskRecord record) {
        if (record == null) {
            throw unknown();
        }
        // Audit lines about the task share the creating call's correlation id, a refused stranger's too.
        exchange.correlationId(record.correlationId());
        String only = exchange.virtualServer();
        if (!record.chain().equals(exchange.token().revocationIds()) || only != null && !only.equals(record.server())) {
            throw unknown();
        }
        Optional<String> peer = exchange.http().peer();
        RiskTier risk = risk(record);
        Map<String, Object> wire = JsonValues.toPlainMap(params);
        wire.put("taskId", record.upstreamTaskId());
        return new Target(
                new Operation(method, "tool", record.server(), record.tool(), record.arguments().getMap(),
                        Optional.ofNullable(risk), peer),
                Operation.listTool(record.server(), record.tool(), risk, peer),
                new UpstreamRoute(record.server(), method, wire));
    }

    /** The tool's tier now (an operator may have raised it since), else the one it had when the task began. */
    private RiskTier risk(TaskRecord record) {
        ToolEntry now = upstreams.catalog().find(ToolEntry.expose(record.server(), record.tool()));
        if (now != null && now.server().equals(record.server()) && now.name().equals(record.tool())) {
            return now.risk();
        }
        return record.risk() == null ? null : RiskTier.parse(record.risk());
    }
}
