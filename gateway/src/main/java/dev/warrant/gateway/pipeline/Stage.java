package dev.warrant.gateway.pipeline;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * One step of the request path (docs/ARCHITECTURE.md §2). A stage either answers (returns a future of the JSON-RPC
 * {@code result}, or fails it with a WarrantException) or passes on with {@link Chain#proceed} exactly once.
 */
public interface Stage {

    /** Where this stage belongs; the pipeline refuses to start when stages are out of order. */
    StageKind kind();

    Future<JsonObject> handle(McpExchange exchange, Chain chain);

    /** The rest of the pipeline after the current stage. */
    interface Chain {
        Future<JsonObject> proceed(McpExchange exchange);
    }
}
