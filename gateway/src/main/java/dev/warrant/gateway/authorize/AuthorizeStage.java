package dev.warrant.gateway.authorize;

import dev.warrant.gateway.builtin.BuiltinTools;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.modern.ParamHeaders;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.Stage;
import dev.warrant.gateway.pipeline.StageKind;
import dev.warrant.gateway.tasks.TaskGate;
import dev.warrant.gateway.upstream.ToolEntry;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import dev.warrant.policies.Operation;
import dev.warrant.policies.PolicyEngine;
import dev.warrant.policies.Verdict;
import dev.warrant.otel.McpAttributes;
import dev.warrant.otel.Telemetry;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * Decides each operation with the token and the policies (docs/ARCHITECTURE.md §3, §4). A tool the caller may not even see
 * is answered exactly like a tool that does not exist (docs/ARCHITECTURE.md §2.5), so denials do not reveal what exists;
 * a visible tool refused by a constraint names the reason.
 *
 * <p>Resources, prompts and completions are decided the same way ({@link FeatureTargets} says what the request
 * is about and where it goes); the decision fixes the {@link dev.warrant.gateway.upstream.UpstreamRoute} so the
 * forward stage cannot reach another upstream than the one decided about. On {@code /servers/{name}/mcp}
 * names are the upstream's own and only that upstream is reachable.
 *
 * <p>List methods pass through here: they are filtered item by item in the forward stage with the same
 * {@link PolicyEngine#decide} (docs/ARCHITECTURE.md §4.2).
 *
 * <p>Cost: one Biscuit authorization of a cached token (~7 us p50, 26 kB allocated; docs/PERFORMANCE.md), run
 * on the event loop (measured cheap; docs/ARCHITECTURE.md §2.6). The {@code authorize} span names the deciding statement
 * ({@code warrant.policy}).
 */
public final class AuthorizeStage implements Stage {

    private final PolicyEngine engine;
    private final UpstreamRegistry upstreams;
    private final Telemetry telemetry;
    private final BuiltinTools builtins;
    private final FeatureTargets features;
    private final TaskGate tasks;

    /** @param tasks opens task handles for tasks/* requests; null where no tasks are served */
    public AuthorizeStage(PolicyEngine engine, UpstreamRegistry upstreams, Telemetry telemetry, BuiltinTools builtins,
                          TaskGate tasks) {
        this.engine = engine;
        this.upstreams = upstreams;
        this.telemetry = telemetry;
        this.builtins = builtins;
        this.features = new FeatureTargets(upstreams);
        this.tasks = tasks;
    }

    @Override
    public StageKind kind() {
        return StageKind.AUTHORIZE;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
        if (FeatureTargets.METHODS.contains(exchange.method())) {
            FeatureTargets.Target target = features.resolve(exchange);
            return decideRoute(exchange, chain, target.operation(), target.visibility(), target.unknown(), target.route());
        }
        if (tasks != null && TaskGate.METHODS.contains(exchange.method())) {
            return tasks.resolve(exchange).compose(target -> decideRoute(exchange, chain, target.operation(),
                    target.visibility(), TaskGate.unknown(), target.route()));
        }
        if (!"tools/call".equals(exchange.method())) {
            return chain.proceed(exchange);
        }
        JsonObject params = exchange.request().params();
        Object name = params.getValue("name");
        if (!(name instanceof String toolName)) {
            throw WarrantException.of(Reason.INVALID_PARAMS, "tools/call needs a string 'name'");
        }
        Object arguments = params.getValue("arguments");
        if (arguments != null && !(arguments instanceof JsonObject)) {
            throw WarrantException.of(Reason.INVALID_PARAMS, "'arguments' must be an object");
        }
        String virtualServer = exchange.virtualServer();
        if (virtualServer == null && builtins.find(toolName) != null) {
            // Built-in tools only attenuate or explain the caller's own token: no authority needed.
            exchange.verdict(Verdict.allow());
            return chain.proceed(exchange);
        }
        ToolEntry tool = upstreams.catalog().find(virtualServer == null ? toolName : ToolEntry.expose(virtualServer, toolName));
        // "a" + "b__c" and "a__b" + "c" expose alike: on a virtual server only that server's tools count.
        if (tool == null || (virtualServer != null && !tool.server().equals(virtualServer))) {
            throw WarrantException.of(Reason.UNKNOWN_TOOL, toolName);
        }
        Map<String, Object> args = arguments == null ? Map.of() : ((JsonObject) arguments).getMap();
        Verdict verdict = timed(exchange, () -> engine.decide(exchange.token(),
                Operation.callTool(tool.server(), tool.name(), args, tool.risk(), exchange.http().peer())));
        exchange.verdict(verdict);
        if (!verdict.allowed()) {
            Reason reason = Reason.fromCode(verdict.reason());
            if (reason.isAuthentication()) {
                // e.g. a hop's time check ran out: the token is dead, not the tool hidden.
                throw WarrantException.of(reason, verdict.detail());
            }
            Verdict visibility = engine.decide(exchange.token(),
                    Operation.listTool(tool.server(), tool.name(), tool.risk(), exchange.http().peer()));
            if (!visibility.allowed()) {
                throw WarrantException.of(Reason.UNKNOWN_TOOL, toolName);
            }
            throw WarrantException.of(reason, verdict.detail());
        }
        exchange.target(tool);
        if (exchange.modern()) {
            // After the decision, so a hidden tool's header rules cannot reveal that it exists.
            ParamHeaders.check(inputSchema(tool), arguments == null ? new JsonObject() : (JsonObject) arguments,
                    exchange.http().routing().params());
        }
        return chain.proceed(exchange);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> inputSchema(ToolEntry tool) {
        return tool.definition().get("inputSchema") instanceof Map<?, ?> schema ? (Map<String, Object>) schema : null;
    }

    /** Decides a request that goes along a fixed route; one the caller may not see is answered {@code unknown}. */
    private Future<JsonObject> decideRoute(McpExchange exchange, Chain chain, Operation operation, Operation visibility,
                                           WarrantException unknown, dev.warrant.gateway.upstream.UpstreamRoute route) {
        Verdict verdict = timed(exchange, () -> engine.decide(exchange.token(), operation));
        exchange.verdict(verdict);
        if (!verdict.allowed()) {
            Reason reason = Reason.fromCode(verdict.reason());
            if (reason.isAuthentication()) {
                throw WarrantException.of(reason, verdict.detail());
            }
            if (!engine.decide(exchange.token(), visibility).allowed()) {
                throw unknown;
            }
            throw WarrantException.of(reason, verdict.detail());
        }
        exchange.route(route);
        return chain.proceed(exchange);
    }

    private Verdict timed(McpExchange exchange, java.util.function.Supplier<Verdict> decision) {
        Span span = telemetry.tracer().spanBuilder("authorize")
                .setParent(exchange.traceContext())
                .startSpan();
        long start = System.nanoTime();
        String outcome = "error";
        try {
            Verdict verdict = decision.get();
            outcome = verdict.allowed() ? "allow" : "deny";
            span.setAttribute(McpAttributes.WARRANT_DECISION, outcome);
            span.setAttribute(McpAttributes.WARRANT_REASON, verdict.reason());
            verdict.policy().ifPresent(policy -> span.setAttribute(McpAttributes.WARRANT_POLICY, policy));
            return verdict;
        } finally {
            span.end();
            telemetry.metrics().authorization(outcome, (System.nanoTime() - start) / 1e9);
        }
    }
}
