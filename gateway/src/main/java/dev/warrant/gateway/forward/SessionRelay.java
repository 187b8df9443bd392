package dev.warrant.gateway.forward;

import dev.warrant.adapters.CallRelay;
import dev.warrant.adapters.JsonRpcNotification;
import dev.warrant.adapters.UpstreamException;
import dev.warrant.gateway.json.JsonValues;
import dev.warrant.gateway.modern.ModernEnvelope;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.ReplyChannel;
import dev.warrant.gateway.transport.JsonRpc;
import dev.warrant.gateway.transport.Session;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Relays to the calling agent what an upstream sends while serving its call, on the call's own response
 * stream (the POST waiting for the result, which turns into SSE): progress, related notifications (log
 * messages filtered by the session's {@code logging/setLevel}, or for a 2026-07-28 caller by its request's log
 * level: none without one), and the upstream's requests — sampling,
 * elicitation, roots — under a gateway-chosen id. The agent POSTs its answer, which the session hands back
 * here, and it goes upstream as the answer to the upstream's own request.
 *
 * <p>Only requests whose capability the agent declared at initialize are relayed; the rest are answered
 * -32601 upstream. Nothing of the agent's (token, headers) reaches the upstream: only the JSON-RPC result or
 * error it sent. A wait is bounded by the upstream's request timeout, and {@link #close()} (the call
 * ended: result, error, timeout or cancel) answers whatever is still open, so nothing is left waiting.
 *
 * <p>Concurrency: callbacks come on adapter threads; the reply channel hops onto the request's context.
 */
final class SessionRelay implements CallRelay {

    /** What a client must have declared to be sent each request (or asked it through input_required). */
    static final Map<String, String> CAPABILITY = Map.of(
            "sampling/createMessage", "sampling",
            "elicitation/create", "elicitation",
            "roots/list", "roots");
    private static final int INTERNAL_ERROR = -32603;

    private final Session session;
    /** The 2026-07-28 caller's request envelope; null for a 2025 caller. */
    private final ModernEnvelope envelope;
    /** Where a 2026 caller's inputs are collected for an input_required round; null: none can be asked. */
    private final InputBridge bridge;
    private final ReplyChannel channel;
    private final Duration timeout;
    private final Set<String> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private SessionRelay(Session session, ModernEnvelope envelope, InputBridge bridge, ReplyChannel channel,
                         Duration timeout) {
        this.session = session;
        this.envelope = envelope;
        this.bridge = bridge;
        this.channel = channel;
        this.timeout = timeout;
    }

    /** The relay for one agent request, of either era. */
    static SessionRelay of(McpExchange exchange, Duration timeout) {
        return of(exchange, null, timeout);
    }

    /** With {@code bridge}, a 2026 caller is asked what the upstream asks through input_required rounds. */
    static SessionRelay of(McpExchange exchange, InputBridge bridge, Duration timeout) {
        return new SessionRelay(exchange.session(), exchange.envelope(), bridge, exchange.channel(), timeout);
    }

    @Override
    public void onProgress(JsonRpcNotification progress) {
        send(progress);
    }

    @Override
    public void onNotification(JsonRpcNotification notification) {
        if ("notifications/message".equals(notification.method()) && !wanted(notification.params().get("level"))) {
            return;
        }
        send(notification);
    }

    @Override
    public CompletableFuture<Map<String, Object>> onServerRequest(String method, Map<String, Object> params) {
        String capability = CAPABILITY.get(method);
        if (capability == null) {
            return CompletableFuture.failedFuture(UpstreamException.methodNotFound(method));
        }
        if (envelope != null) {
            // 2026-07-28 forbids requests to the client: the agent is asked through an input_required round.
            if (bridge == null || !envelope.declares(capability)) {
                return CompletableFuture.failedFuture(UpstreamException.errorResponse(UpstreamException.METHOD_NOT_FOUND,
                        "Method not found: " + method + " (the calling client "
                                + (bridge == null ? "cannot be asked during " + "this request"
                                : "did not declare " + capability) + ")", null));
            }
            return bridge.ask(method, params).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .handle((response, failure) -> {
                        if (failure != null) {
                            throw UpstreamException.errorResponse(INTERNAL_ERROR, "the client did not answer "
                                    + method + " within " + timeout.toMillis() + " ms", null);
                        }
                        return toResult(response);
                    });
        }
        if (session == null || !session.declares(capability)) {
            return CompletableFuture.failedFuture(UpstreamException.errorResponse(UpstreamException.METHOD_NOT_FOUND,
                    "Method not found: " + method + " (the calling client did not declare " + capability + ")", null));
        }
        CompletableFuture<JsonObject> answer = new CompletableFuture<>();
        String id = session.openServerRequest(answer);
        open.add(id);
        if (closed) {
            abandon(id);
        } else {
            channel.notify(new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", method)
                    .put("params", JsonValues.toJson(params)));
        }
        return answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((response, failure) -> {
                    open.remove(id);
                    session.dropServerRequest(id);
                    if (failure != null) {
                        throw failure instanceof TimeoutException
                                ? UpstreamException.errorResponse(INTERNAL_ERROR, "the client did not answer "
                                        + method + " within " + timeout.toMillis() + " ms", null)
                                : UpstreamException.errorResponse(INTERNAL_ERROR, "the client cannot answer "
                                        + method + ": " + failure.getMessage(), null);
                    }
                    return toResult(response);
                });
    }

    /** The call ended: requests the agent has not answered get an error upstream. */
    void close() {
        closed = true;
        if (bridge != null) {
            bridge.abandon();
        }
        for (String id : open) {
            abandon(id);
        }
    }

    /** Completes through the session (null = no answer), so whoever removes a request answers it, once. */
    private void abandon(String id) {
        session.answerServerRequest(id, null);
    }

    private static Map<String, Object> toResult(JsonObject response) {
        if (response == null) {
            throw UpstreamException.errorResponse(INTERNAL_ERROR, "the call ended before the client answered", null);
        }
        if (response.getValue("error") instanceof JsonObject error) {
            Object code = error.getValue("code");
            throw UpstreamException.errorResponse(code instanceof Number n ? n.intValue() : INTERNAL_ERROR,
                    error.getValue("message") instanceof String m ? m : "client error",
                    JsonValues.toPlain(error.getValue("data")));
        }
        if (response.getValue("result") instanceof JsonObject result) {
            return JsonValues.toPlainMap(result);
        }
        throw UpstreamException.errorResponse(INTERNAL_ERROR, "the client answered without a result object", null);
    }

    private boolean wanted(Object level) {
        if (envelope != null) {
            return envelope.wantsLog(level);
        }
        String threshold = session == null ? null : session.logLevel();
        if (threshold == null || !(level instanceof String l)) {
            return true;
        }
        int index = SetLevelHandler.LEVELS.indexOf(l);
        return index < 0 || index >= SetLevelHandler.LEVELS.indexOf(threshold);
    }

    private void send(JsonRpcNotification notification) {
        channel.notify(JsonRpc.notification(notification.method(), JsonValues.toJson(notification.params())));
    }
}
