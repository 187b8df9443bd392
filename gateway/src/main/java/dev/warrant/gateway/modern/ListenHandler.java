package dev.warrant.gateway.modern;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.forward.ForwardStage;
import dev.warrant.gateway.forward.SubscriptionHandler;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import dev.warrant.policies.PolicyEngine;
import dev.warrant.gateway.tasks.TaskCapability;
import dev.warrant.gateway.transport.CallScope;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.EnumSet;
import java.util.Set;

/**
 * {@code subscriptions/listen} (2026-07-28): the request's own response stream carries the change
 * notifications its client asked for, first an acknowledgement naming what is honoured, then each
 * notification tagged with the subscription id (the request's id). Which changes a caller hears of is decided
 * like {@code list_changed} for a 2025 session: only changes to items it may see
 * ({@link dev.warrant.gateway.upstream.ListChangedNotifier}).
 *
 * <p>It ends when the client closes the stream (nothing more is sent), or when the gateway ends it: a revoked
 * token ends it with the JSON-RPC error {@code revoked}, the way a 2025 session's calls end. Resource
 * subscriptions are decided and shared with 2025 sessions' ({@link ListenResources}); task notifications are not
 * honoured (the acknowledgement leaves them out, as the revision allows); SSE comments keep the stream open
 * through proxies.
 */
public final class ListenHandler implements ForwardStage.MethodHandler {

    private static final long KEEPALIVE_MILLIS = 15_000;

    private final Vertx vertx;
    private final Subscriptions subscriptions;
    private final ListenResources resources;

    public ListenHandler(Vertx vertx, Subscriptions subscriptions, SubscriptionHandler resourceTable,
                         UpstreamRegistry upstreams, PolicyEngine engine) {
        this.vertx = vertx;
        this.subscriptions = subscriptions;
        this.resources = new ListenResources(resourceTable, upstreams, engine);
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange) {
        Object requested = exchange.request().params().getValue("notifications");
        if (requested != null && !(requested instanceof JsonObject)) {
            throw WarrantException.of(Reason.INVALID_PARAMS, "'notifications' must be an object");
        }
        JsonObject asked = requested == null ? new JsonObject() : (JsonObject) requested;
        if (asked.containsKey("taskIds")) {
            // Task notifications are not relayed (tasks are polled); asking without the extension is still an error.
            TaskCapability.require(exchange, "task notifications on subscriptions/listen");
        }
        Set<Subscriptions.Kind> kinds = EnumSet.noneOf(Subscriptions.Kind.class);
        JsonObject honored = new JsonObject();
        for (Subscriptions.Kind kind : Subscriptions.Kind.values()) {
            if (Boolean.TRUE.equals(asked.getValue(kind.flag))) {
                kinds.add(kind);
                honored.put(kind.flag, true);
            }
        }
        Set<String> uris = ListenResources.requested(asked.getValue("resourceSubscriptions"));
        Object id = exchange.request().id();
        Subscriptions.Listener listener = new Subscriptions.Listener(id, exchange.token(), exchange.http().peer(),
                exchange.virtualServer(), kinds, exchange.channel());
        subscriptions.open(listener);
        ListenResources.StreamSubscriber subscriber = new ListenResources.StreamSubscriber(id, exchange.channel());
        return resources.subscribe(exchange, uris, subscriber).compose(subscribed -> {
            if (!subscribed.targets().isEmpty()) {
                honored.put("resourceSubscriptions", subscribed.uris());
            }
            return stream(exchange, id, listener, honored, subscriber).andThen(ar -> {
                subscriber.close();
                resources.unsubscribe(subscribed);
            });
        }, failure -> {
            subscriptions.close(listener);
            return Future.failedFuture(failure);
        });
    }

    /** Acknowledges, then keeps the stream open until the client leaves or the gateway ends it. */
    private Future<JsonObject> stream(McpExchange exchange, Object id, Subscriptions.Listener listener,
                                      JsonObject honored, ListenResources.StreamSubscriber subscriber) {
        Promise<JsonObject> ended = Promise.promise();
        exchange.channel().notify(new JsonObject().put("jsonrpc", "2.0")
                .put("method", "notifications/subscriptions/acknowledged")
                .put("params", new JsonObject().put("_meta", new JsonObject().put(MetaKeys.SUBSCRIPTION_ID, id))
                        .put("notifications", honored)));
        subscriber.acknowledged();
        long keepalive = vertx.setPeriodic(KEEPALIVE_MILLIS, t -> exchange.channel().keepAlive("keepalive"));
        // The client closing its stream ends the subscription; nothing is sent after that.
        exchange.channel().onClientGone(() -> ended.tryComplete(new JsonObject()
                .put("_meta", new JsonObject().put(MetaKeys.SUBSCRIPTION_ID, id))));
        CallScope scope = exchange.callScope();
        if (scope != null) {
            // A revocation arrives on another thread: end on the request's own context.
            Context context = vertx.getOrCreateContext();
            scope.trackCall(id, () -> context.runOnContext(v -> ended.tryFail(WarrantException.of(
                    scope.endReason() == null ? Reason.CANCELLED : scope.endReason(), "subscription ended"))));
        }
        return ended.future().andThen(ar -> {
            vertx.cancelTimer(keepalive);
            subscriptions.close(listener);
            if (scope != null) {
                scope.untrackCall(id);
            }
        });
    }
}
