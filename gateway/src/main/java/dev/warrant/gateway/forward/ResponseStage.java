package dev.warrant.gateway.forward;

import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.TerminalStage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Terminal stage for the agent's answer to a request the gateway relayed to it (sampling, elicitation,
 * roots). A session completes only requests it was sent, so one agent can never answer another's. Accepted
 * either way: a late answer is harmless.
 */
public final class ResponseStage implements TerminalStage {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseStage.class);

    @Override
    public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
        Object id = exchange.request().id();
        if (!exchange.session().answerServerRequest(id, exchange.body())) {
            LOG.debug("session {}: response to unknown or finished request {} dropped", exchange.session().id(), id);
        }
        return Future.succeededFuture(new JsonObject());
    }
}
