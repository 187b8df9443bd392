package dev.warrant.gateway.transport;

import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.TerminalStage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Terminal stage for a GET: the caller may open its session's stream. The transport attaches the stream only
 * after the grant is recorded, so no stream is ever open without its audit line.
 */
public final class OpenStreamStage implements TerminalStage {

    @Override
    public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
        return Future.succeededFuture(new JsonObject());
    }
}
