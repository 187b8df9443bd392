package dev.warrant.gateway.forward;

import dev.warrant.adapters.JsonRpcNotification;
import dev.warrant.gateway.json.JsonValues;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.transport.JsonRpc;
import dev.warrant.gateway.transport.Session;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import dev.warrant.gateway.upstream.UpstreamRoute;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code resources/subscribe} and {@code resources/unsubscribe} (authorized like a read), and the relay of
 * {@code notifications/resources/updated} to the subscribed sessions' GET streams.
 *
 * <p>The gateway holds ONE connection per upstream for all agents, so a subscription upstream is shared:
 * the first session subscribing to a URI subscribes upstream, the last one leaving unsubscribes; the others
 * are answered by the gateway. Closed sessions are dropped when an update finds them.
 *
 * <p>Concurrency: the subscriber table is concurrent; updates arrive on adapter threads.
 */
public final class SubscriptionHandler implements ForwardStage.MethodHandler {

    private record Key(String server, String uri) {
    }

    private final UpstreamRequestHandler forwarder;
    private final Map<Key, Set<Session>> subscribers = new ConcurrentHashMap<>();

    public SubscriptionHandler(UpstreamRegistry upstreams, UpstreamRequestHandler forwarder) {
        this.forwarder = forwarder;
        upstreams.addNotificationListener(this::onUpstreamNotification);
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange) {
        UpstreamRoute route = exchange.route();
        Session session = exchange.session();
        if (route == null || session == null) {
            throw new IllegalStateException(exchange.method() + " reached forward without a route or session");
        }
        Key key = new Key(route.server(), String.valueOf(route.params().get("uri")));
        if ("resources/subscribe".equals(route.method())) {
            boolean[] first = {false};
            subscribers.compute(key, (k, set) -> {
                Set<Session> s = set == null ? ConcurrentHashMap.newKeySet() : set;
                first[0] = s.isEmpty();
                s.add(session);
                return s;
            });
            if (!first[0]) {
                return Future.succeededFuture(new JsonObject());
            }
            return forwarder.handle(exchange).onFailure(e -> remove(key, session));
        }
        if (remove(key, session)) {
            return forwarder.handle(exchange);
        }
        return Future.succeededFuture(new JsonObject());
    }

    /** @return true when the last subscriber left (the upstream subscription should end) */
    private boolean remove(Key key, Session session) {
        boolean[] last = {false};
        subscribers.computeIfPresent(key, (k, set) -> {
            boolean removed = set.remove(session);
            last[0] = removed && set.isEmpty();
            return set.isEmpty() ? null : set;
        });
        return last[0];
    }

    private void onUpstreamNotification(String server, JsonRpcNotification notification) {
        if (!"notifications/resources/updated".equals(notification.method())
                || !(notification.params().get("uri") instanceof String uri)) {
            return;
        }
        Set<Session> sessions = subscribers.get(new Key(server, uri));
        if (sessions == null) {
            return;
        }
        JsonObject message = JsonRpc.notification(notification.method(), JsonValues.toJson(notification.params()));
        for (Session s : sessions) {
            if (s.isClosed()) {
                sessions.remove(s);
            } else {
                s.push(message);
            }
        }
    }
}
