package dev.warrant.gateway.forward;

import dev.warrant.adapters.Upstream;
import dev.warrant.adapters.UpstreamException;
import dev.warrant.gateway.builtin.BuiltinTool;
import dev.warrant.gateway.builtin.BuiltinTools;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.json.JsonValues;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.tasks.TaskResults;
import dev.warrant.gateway.trace.UpstreamSpan;
import dev.warrant.gateway.upstream.ToolEntry;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import dev.warrant.otel.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * Forwards an authorized {@code tools/call} to its upstream under the upstream's own tool name, inside a
 * CLIENT span whose context travels in {@code params._meta} (docs/OBSERVABILITY.md). Only the JSON-RPC params travel:
 * the agent's token and HTTP headers never reach the upstream.
 *
 * <p>Concurrency: the adapter completes on its own threads; the result is brought back to the caller's
 * event-loop context before anyone touches the exchange.
 */
public final class ToolsCallHandler implements ForwardStage.MethodHandler {

    private final UpstreamRegistry upstreams;
    private final Telemetry telemetry;
    private final BuiltinTools builtins;
    private final InputRounds rounds;
    private final TaskResults tasks;

    /** @param tasks puts a task an upstream answers with under Warrant's handle; null where no tasks are served */
    ToolsCallHandler(UpstreamRegistry upstreams, Telemetry telemetry, BuiltinTools builtins, InputRounds rounds,
                     TaskResults tasks) {
        this.upstreams = upstreams;
        this.telemetry = telemetry;
        this.builtins = builtins;
        this.rounds = rounds;
        this.tasks = tasks;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange) {
        // Built-in tools live on /mcp only; a virtual server shows just its upstream's tools.
        BuiltinTool builtin = exchange.virtualServer() != null ? null
                : builtins.find(exchange.request().params().getString("name"));
        if (builtin != null) {
            JsonObject arguments = exchange.request().params().getJsonObject("arguments");
            return builtin.call(exchange, arguments == null ? new JsonObject() : arguments);
        }
        ToolEntry tool = exchange.target();
        if (tool == null) {
            // AuthorizeStage sets the target for every allowed tools/call; reaching here without one is a bug.
            throw new IllegalStateException("tools/call reached forward without an authorized target");
        }
        Upstream upstream = upstreams.upstream(tool.server());
        if (upstream == null || !upstream.isOpen()) {
            throw WarrantException.of(Reason.UPSTREAM_UNAVAILABLE, tool.server());
        }
        Map<String, Object> params = JsonValues.toPlainMap(exchange.request().params());
        params.put("name", tool.name());
        Future<JsonObject> result = rounds.send(exchange, upstream,
                () -> UpstreamSpan.start(telemetry, exchange, upstream, "tools/call", tool.name(), tool.name()),
                "tools/call", tool.name(), params);
        return tasks == null ? result : result.compose(r -> tasks.created(exchange, tool, r));
    }

    static WarrantException translate(Throwable cause) {
        Throwable t = cause;
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof UpstreamException u) {
            return switch (u.kind()) {
                case ERROR_RESPONSE -> WarrantException.upstream(errorObject(u), u.getMessage());
                case TIMEOUT -> WarrantException.of(Reason.UPSTREAM_TIMEOUT);
                case UNAVAILABLE -> WarrantException.of(Reason.UPSTREAM_UNAVAILABLE);
                case BUSY -> WarrantException.of(Reason.UPSTREAM_BUSY);
                case CANCELLED -> WarrantException.of(Reason.CANCELLED);
                case PROTOCOL -> WarrantException.of(Reason.UPSTREAM_PROTOCOL);
            };
        }
        return WarrantException.wrap(t);
    }

    private static Map<String, Object> errorObject(UpstreamException u) {
        Map<String, Object> error = new java.util.LinkedHashMap<>();
        error.put("code", u.code() == null ? -32000 : u.code());
        error.put("message", u.getMessage() == null ? "upstream error" : u.getMessage());
        if (u.data() != null) {
            error.put("data", u.data());
        }
        return error;
    }
}
