package dev.warrant.gateway.forward;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.modern.ModernResults;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.TerminalStage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * Terminal stage: answers the request, itself (initialize, ping, lists) or by forwarding it upstream
 * (tools/call), like OkHttp's CallServerInterceptor. An unknown method is answered "method not found";
 * nothing reaches an upstream that this stage does not know.
 *
 * <p>Each era has its own method table ({@link McpMethods}); a 2026-07-28 result leaves here with what that
 * revision requires of every result ({@link ModernResults}).
 */
public final class ForwardStage implements TerminalStage {

    /** Answers one MCP method. */
    public interface MethodHandler {
        Future<JsonObject> handle(McpExchange exchange);
    }

    private final Map<String, MethodHandler> legacy;
    private final Map<String, MethodHandler> modern;
    private final String version;

    /** A stage serving the 2025 era only. */
    public ForwardStage(Map<String, MethodHandler> handlers) {
        this(new McpMethods.Tables(handlers, Map.of()), "");
    }

    /** @param version the gateway's version, named in every 2026-07-28 result */
    public ForwardStage(McpMethods.Tables tables, String version) {
        this.legacy = tables.legacy();
        this.modern = tables.modern();
        this.version = version;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
        MethodHandler handler = (exchange.modern() ? modern : legacy).get(exchange.method());
        if (handler == null) {
            throw WarrantException.of(Reason.METHOD_NOT_FOUND, exchange.method());
        }
        Future<JsonObject> result = handler.handle(exchange);
        if (!exchange.modern()) {
            return result;
        }
        String server = exchange.virtualServer() == null ? "warrant" : "warrant/" + exchange.virtualServer();
        return result.map(r -> ModernResults.decorate(exchange.method(), r, server, version));
    }
}
