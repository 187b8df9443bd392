package dev.warrant.gateway.transport;

import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.TerminalStage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Terminal stage for a DELETE: the owner ends its session; its stream and in-flight calls end with it. */
public final class EndSessionStage implements TerminalStage {

    private final SessionRegistry sessions;

    public EndSessionStage(SessionRegistry sessions) {
        this.sessions = sessions;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
        // Ended on every member: the id is unknown everywhere from now on.
        sessions.end(exchange.session(), null);
        return Future.succeededFuture(new JsonObject());
    }
}
