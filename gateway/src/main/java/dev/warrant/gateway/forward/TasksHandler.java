package dev.warrant.gateway.forward;

import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.tasks.TaskResults;
import dev.warrant.gateway.upstream.UpstreamRoute;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Forwards an authorized {@code tasks/get}, {@code tasks/update} or {@code tasks/cancel} to the upstream that runs
 * the task, under the upstream's task id (the route AuthorizeStage fixed from the handle), and answers with the
 * agent's handle again ({@link TaskResults#answered}).
 */
final class TasksHandler implements ForwardStage.MethodHandler {

    private final UpstreamRequestHandler forward;
    private final TaskResults results;

    TasksHandler(UpstreamRequestHandler forward, TaskResults results) {
        this.forward = forward;
        this.results = results;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange) {
        UpstreamRoute route = exchange.route();
        if (route == null) {
            throw new IllegalStateException(exchange.method() + " reached forward without an authorized route");
        }
        return forward.forward(exchange, route.server(), route.method(), route.params())
                .map(result -> results.answered(exchange, result));
    }
}
