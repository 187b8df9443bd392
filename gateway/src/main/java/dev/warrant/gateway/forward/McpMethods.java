package dev.warrant.gateway.forward;

import dev.warrant.gateway.builtin.BuiltinTools;
import dev.warrant.gateway.modern.RemovedMethods;
import dev.warrant.gateway.modern.RequestStates;
import dev.warrant.gateway.tasks.TaskGate;
import dev.warrant.gateway.tasks.TaskResults;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import dev.warrant.otel.Telemetry;
import dev.warrant.policies.PolicyEngine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;

import static java.util.Map.entry;

/**
 * Every MCP client-to-server method the gateway serves, per era, and who answers it. A method missing here is
 * answered "method not found" by {@link ForwardStage}; nothing reaches an upstream unlisted.
 *
 * <p>The 2026-07-28 table is the 2025 one without what that revision removed ({@link RemovedMethods}) and
 * with {@code server/discover}.
 */
public final class McpMethods {

    private McpMethods() {
    }

    /** The handlers of both eras, sharing one instance of each handler. */
    public record Tables(Map<String, ForwardStage.MethodHandler> legacy, Map<String, ForwardStage.MethodHandler> modern) {
        public Tables {
            legacy = Map.copyOf(legacy);
            modern = Map.copyOf(modern);
        }
    }

    public static Map<String, ForwardStage.MethodHandler> handlers(String version, UpstreamRegistry upstreams,
            PolicyEngine engine, Telemetry telemetry, BuiltinTools builtins, int listPageSize) {
        java.time.Clock clock = java.time.Clock.systemUTC();
        return tables(version, upstreams, engine, telemetry, builtins, listPageSize, null,
                new RequestStates(dev.warrant.gateway.cluster.SealingKeys.fixed()),
                new ParkedCalls(ParkedCalls.DEFAULT_PER_GRANT, clock), null, clock).legacy();
    }

    /**
     * @param listen makes the {@code subscriptions/listen} handler, given the resource subscription table; null
     *               when the endpoint serves no subscriptions
     * @param states seals multi round-trip state with the cluster's key
     * @param parked upstream calls waiting for a 2026 agent's input
     * @param tasks  the tasks extension for 2026 agents; null to serve none
     */
    public static Tables tables(String version, UpstreamRegistry upstreams, PolicyEngine engine, Telemetry telemetry,
                                BuiltinTools builtins, int listPageSize,
                                java.util.function.Function<SubscriptionHandler, ForwardStage.MethodHandler> listen,
                                RequestStates states, ParkedCalls parked, TaskResults tasks, java.time.Clock clock) {
        InputRounds rounds = new InputRounds(states, parked, clock);
        UpstreamRequestHandler forward = new UpstreamRequestHandler(upstreams, telemetry, rounds);
        SubscriptionHandler subscriptions = new SubscriptionHandler(upstreams, forward);
        Map<String, ForwardStage.MethodHandler> legacy = new HashMap<>(Map.ofEntries(
                // answered by the gateway
                entry("initialize", new InitializeHandler(version, upstreams)),
                entry("ping", ex -> Future.succeededFuture(new JsonObject())),
                entry("tools/list", new ToolsListHandler(upstreams, engine, builtins, listPageSize)),
                entry("resources/list", FeatureListHandler.resources(upstreams, engine, listPageSize)),
                entry("resources/templates/list", FeatureListHandler.templates(upstreams, engine, listPageSize)),
                entry("prompts/list", FeatureListHandler.prompts(upstreams, engine, listPageSize)),
                // forwarded to the upstream AuthorizeStage decided about
                entry("tools/call", new ToolsCallHandler(upstreams, telemetry, builtins, rounds, tasks)),
                entry("resources/read", forward),
                entry("prompts/get", forward),
                entry("completion/complete", forward),
                entry("resources/subscribe", subscriptions),
                entry("resources/unsubscribe", subscriptions),
                // to every upstream of the endpoint that logs
                entry("logging/setLevel", new SetLevelHandler(upstreams, forward))));
        Map<String, ForwardStage.MethodHandler> modern = new HashMap<>(legacy);
        modern.keySet().removeAll(RemovedMethods.ALL);
        modern.put("server/discover", new DiscoverHandler(upstreams, engine));
        if (listen != null) {
            modern.put("subscriptions/listen", listen.apply(subscriptions));
        }
        if (tasks != null) {
            TasksHandler handler = new TasksHandler(forward, tasks);
            TaskGate.METHODS.forEach(method -> modern.put(method, handler));
        }
        return new Tables(legacy, modern);
    }
}
