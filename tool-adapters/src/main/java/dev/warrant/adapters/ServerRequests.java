package dev.warrant.adapters;

import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse.JSONRPCError;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers requests an upstream sends to us: {@code ping} here, everything else (sampling, elicitation,
 * roots) by the listeners, which default to -32601. Every request gets exactly one answer.
 */
final class ServerRequests {

    private static final Logger log = LoggerFactory.getLogger(ServerRequests.class);
    private static final int INTERNAL_ERROR = -32603;

    private ServerRequests() {
    }

    static void answer(JsonRpcUpstream upstream, JSONRPCRequest request, List<UpstreamListener> listeners) {
        Map<String, Object> params = ProgressTokens.asMap(request.params());
        CompletableFuture<Map<String, Object>> answer = "ping".equals(request.method())
                ? CompletableFuture.completedFuture(Map.of())
                : ask(listeners, request.method(), params);
        answer.whenComplete((result, error) -> upstream.respond(error == null
                ? JSONRPCResponse.result(request.id(), result == null ? Map.of() : result)
                : JSONRPCResponse.error(request.id(), toError(upstream.name(), request.method(), error))));
    }

    private static CompletableFuture<Map<String, Object>> ask(List<UpstreamListener> listeners, String method,
            Map<String, Object> params) {
        for (UpstreamListener listener : listeners) {
            CompletableFuture<Map<String, Object>> answer;
            try {
                answer = listener.onServerRequest(method, params);
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            if (answer != null && !isMethodNotFound(answer)) {
                return answer;
            }
        }
        return CompletableFuture.failedFuture(UpstreamException.methodNotFound(method));
    }

    private static boolean isMethodNotFound(CompletableFuture<?> answer) {
        if (!answer.isCompletedExceptionally()) {
            return false;
        }
        UpstreamException error = JsonRpcUpstream.asUpstreamException(answer.handle((r, e) -> e).join());
        return error.kind() == UpstreamException.Kind.ERROR_RESPONSE
                && Integer.valueOf(UpstreamException.METHOD_NOT_FOUND).equals(error.code());
    }

    /** A listener's chosen JSON-RPC error passes through; anything else is an internal error without details. */
    private static JSONRPCError toError(String upstream, String method, Throwable failure) {
        UpstreamException error = JsonRpcUpstream.asUpstreamException(failure);
        if (error.kind() == UpstreamException.Kind.ERROR_RESPONSE && error.code() != null) {
            return new JSONRPCError(error.code(), error.getMessage(), error.data());
        }
        log.warn("answering {} from upstream {} failed: {}", method, upstream, failure.toString());
        return new JSONRPCError(INTERNAL_ERROR, "Internal error", null);
    }
}
