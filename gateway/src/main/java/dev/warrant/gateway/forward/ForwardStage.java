package dev.warrant.gateway.forward;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.TerminalStage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * Terminal stage: answers the request, itself (initialize, ping, lists) or by forwarding it upstream
 * (tools/call), like OkHttp's CallServerInterceptor. An unknown method is answered "method not found";
 * nothing reaches an upstream that this stage does not know.
 */
public final class ForwardStage implements TerminalStage {

    /** Answers one MCP method. */
    public interface MethodHandler {
        Future<JsonObject> handle(McpExchange exchange);
    }

    private final Map<String, MethodHandler> handlers;

    public ForwardStage(Map<String, MethodHandler> handlers) {
        this.handlers = Map.copyOf(handlers);
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
        MethodHandler handler = handlers.get(exchange.method());
        if (handler == null) {
            throw WarrantException.of(Reason.METHOD_NOT_FOUND, exchange.method());
        }
        return handler.handle(exchange);
    }
}
