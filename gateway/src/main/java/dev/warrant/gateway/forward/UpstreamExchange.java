package dev.warrant.gateway.forward;

import dev.warrant.gateway.pipeline.OnCallerContext;
import dev.warrant.adapters.Upstream;
import dev.warrant.adapters.UpstreamCall;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.json.JsonValues;
import dev.warrant.gateway.modern.ModernEnvelope;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.tasks.TaskCapability;
import dev.warrant.gateway.trace.UpstreamSpan;
import dev.warrant.gateway.transport.CallScope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * One request sent upstream on behalf of an agent's exchange, the part every forwarding handler shares:
 * trace context into {@code params._meta}, progress, related notifications and server requests relayed to
 * the caller ({@link SessionRelay}), {@code notifications/cancelled}
 * from the caller routed to the upstream call, and the result (or a translated error) brought back.
 *
 * <p>Concurrency: the adapter completes on its own threads; the result is brought back to the caller's
 * event-loop context before anyone touches the exchange.
 */
final class UpstreamExchange {

    private UpstreamExchange() {
    }

    static Future<JsonObject> send(McpExchange exchange, Upstream upstream, UpstreamSpan client, String method,
                                   Map<String, Object> params) {
        return send(exchange, upstream, client, method, params, null);
    }

    /** @param bridge collects what the upstream asks a 2026 caller, for input_required rounds; may be null */
    static Future<JsonObject> send(McpExchange exchange, Upstream upstream, UpstreamSpan client, String method,
                                   Map<String, Object> params, InputBridge bridge) {
        // The agent's envelope stays here: the gateway speaks to each upstream in its own session or request.
        Map<String, Object> withTrace = client.inject(params, ModernEnvelope::isEnvelopeKey);
        if (TaskCapability.forward(exchange, upstream, method)) {
            // The agent's own declaration, passed on: the upstream may answer this agent with a task.
            withTrace = TaskCapability.declared(withTrace);
        }
        SessionRelay relay = SessionRelay.of(exchange, bridge, upstream.spec().requestTimeout());
        UpstreamCall call = upstream.callRelayed(method, withTrace, relay);
        Object requestId = exchange.request().id();
        CallScope scope = exchange.callScope();
        if (exchange.modern()) {
            // 2026-07-28 cancels by closing the request's stream: no notification will come.
            exchange.channel().onClientGone(() -> call.cancel("the client closed its request"));
        }
        if (scope != null) {
            scope.trackCall(requestId, () -> call.cancel(scope.endReason() == null ? "cancelled by the client"
                    : "ended by the gateway: " + scope.endReason().code()));
        }
        Future<Map<String, Object>> result = OnCallerContext.future(call.result());
        return result.transform(outcome -> {
            relay.close();
            if (scope != null) {
                scope.untrackCall(requestId);
            }
            if (outcome.succeeded()) {
                client.succeeded();
                return Future.succeededFuture(JsonValues.toJson(outcome.result()));
            }
            WarrantException failure = ToolsCallHandler.translate(outcome.cause());
            if (failure.reason() == Reason.CANCELLED && scope != null && scope.endReason() != null) {
                // The gateway ended the session or request (e.g. the token was revoked): the call says why.
                failure = WarrantException.of(scope.endReason(), "the call was cancelled upstream");
            }
            client.failed(failure.reason().code());
            return Future.failedFuture(failure);
        });
    }
}
