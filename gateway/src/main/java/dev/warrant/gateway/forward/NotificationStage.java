package dev.warrant.gateway.forward;

import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.TerminalStage;
import dev.warrant.gateway.transport.SessionRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Terminal stage for a notification the agent POSTs. {@code notifications/cancelled} withdraws one of the
 * session's own calls (a session holds only its owner's calls, so one agent can never cancel another's);
 * every other notification is accepted and has no effect: the gateway holds its own sessions upstream. A
 * 2026-07-28 client has no session and cancels by closing its request's stream, so its notifications only get
 * accepted.
 */
public final class NotificationStage implements TerminalStage {

    private final SessionRegistry sessions;

    public NotificationStage(SessionRegistry sessions) {
        this.sessions = sessions;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
        if ("notifications/cancelled".equals(exchange.method()) && exchange.session() != null) {
            Object requestId = exchange.request().params().getValue("requestId");
            if (requestId != null) {
                sessions.cancel(exchange.session(), requestId);
            }
        }
        return Future.succeededFuture(new JsonObject());
    }
}
