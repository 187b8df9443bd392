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
 * Answers requests an upstream sends to us: {@code ping} here; a request that belongs to a relayed call
 * (sampling, elicitation, roots made while serving it) by that call's {@link CallRelay}; a request that may
 * belong to several calls (no correlation on the transport) with an error that says so; anything else by the
 * listeners, which default to -32601. Every request gets exactly one answer.
 */
final class ServerRequests {

    private static final Logger log = LoggerFactory.getLogger(ServerRequests.class);
    private static final int INTERNAL_ERROR = -32603;
    /** Implementation-defined server error (JSON-RPC reserves -32000..-32099): we cannot tell the caller. */
    static final int UNROUTABLE = -32000;

    private ServerRequests() {
    }

    static void answer(JsonRpcUpstream upstream, JSONRPCRequest request, CallRouting.Route route,
            List<UpstreamListener> listeners) {
        Map<String, Object> params = ProgressTokens.asMap(request.params());
        CompletableFuture<Map<String, Object>> answer;
        if ("ping".equals(request.method())) {
            answer = CompletableFuture.completedFuture(Map.of());
        } else if (route.call() != null) {
            answer = askRelay(route.call().relay(), request.method(), params);
        } else if (route.ambiguous()) {
            answer = CompletableFuture.failedFuture(UpstreamException.errorResponse(UNROUTABLE,
                    "warrant cannot route " + request.method() + ": " + route.inFlight() + " calls are in flight on"
                            + " upstream " + upstream.name() + " and its transport does not say which call a"
                            + " request belongs to; send it while only one call is in flight", null));
        } else {
            answer = ask(listeners, request.method(), params);
        }
        answer.whenComplete((result, error) -> upstream.respond(error == null
                ? JSONRPCResponse.result(request.id(), result == null ? Map.of() : result)
                : JSONRPCResponse.error(request.id(), toError(upstream.name(), request.method(), error))));
    }

    private static CompletableFuture<Map<String, Object>> askRelay(CallRelay relay, String method,
            Map<String, Object> params) {
        try {
            CompletableFuture<Map<String, Object>> answer = relay.onServerRequest(method, params);
            return answer != null ? answer : CompletableFuture.failedFuture(UpstreamException.methodNotFound(method));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
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
