package dev.warrant.gateway.forward;

import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.TerminalStage;
import dev.warrant.gateway.transport.SessionRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Terminal stage for the agent's answer to a request the gateway relayed to it (sampling, elicitation,
 * roots). A session completes only requests it was sent, so one agent can never answer another's; an answer for
 * a call running on another member goes there ({@link SessionRegistry#answer}). Accepted either way: a late
 * answer is harmless.
 */
public final class ResponseStage implements TerminalStage {

    private final SessionRegistry sessions;

    public ResponseStage(SessionRegistry sessions) {
        this.sessions = sessions;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
        Object id = exchange.request().id();
        sessions.answer(exchange.session(), id, exchange.body());
        return Future.succeededFuture(new JsonObject());
    }
}
