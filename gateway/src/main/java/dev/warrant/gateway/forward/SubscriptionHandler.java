package dev.warrant.gateway.forward;

import dev.warrant.gateway.pipeline.OnCallerContext;
import dev.warrant.adapters.JsonRpcNotification;
import dev.warrant.adapters.Upstream;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.json.JsonValues;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.transport.JsonRpc;
import dev.warrant.gateway.transport.Session;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import dev.warrant.gateway.upstream.UpstreamRoute;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code resources/subscribe} and {@code resources/unsubscribe} (authorized like a read), the
 * {@code resourceSubscriptions} of a 2026 {@code subscriptions/listen} ({@link #subscribe}, {@link #unsubscribe}),
 * and the relay of {@code notifications/resources/updated} to whoever subscribed ({@link ResourceSubscriber}).
 *
 * <p>The gateway holds ONE connection per upstream for all agents, so a subscription upstream is shared:
 * the first subscriber to a URI subscribes upstream, the last one leaving unsubscribes; the others
 * are answered by the gateway. Closed subscribers are dropped when an update finds them.
 *
 * <p>Concurrency: the subscriber table is concurrent; updates arrive on adapter threads.
 */
public final class SubscriptionHandler implements ForwardStage.MethodHandler {

    private record Key(String server, String uri) {
    }

    /** A 2025 session, which hears of updates on its GET stream. */
    private record SessionSubscriber(Session session) implements ResourceSubscriber {
        @Override
        public void updated(JsonObject notification) {
            session.push(notification);
        }

        @Override
        public boolean isClosed() {
            return session.isClosed();
        }
    }

    private final UpstreamRegistry upstreams;
    private final UpstreamRequestHandler forwarder;
    private final Map<Key, Set<ResourceSubscriber>> subscribers = new ConcurrentHashMap<>();

    public SubscriptionHandler(UpstreamRegistry upstreams, UpstreamRequestHandler forwarder) {
        this.upstreams = upstreams;
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
        ResourceSubscriber subscriber = new SessionSubscriber(session);
        if ("resources/subscribe".equals(route.method())) {
            if (!add(key, subscriber)) {
                return Future.succeededFuture(new JsonObject());
            }
            return forwarder.handle(exchange).onFailure(e -> remove(key, subscriber));
        }
        if (remove(key, subscriber)) {
            return forwarder.handle(exchange);
        }
        return Future.succeededFuture(new JsonObject());
    }

    /**
     * Subscribes {@code who} to {@code uri} of {@code server} for a 2026 listen stream (already authorized);
     * completes when the upstream took the subscription (or already had it), fails when it refused.
     */
    public Future<Void> subscribe(String server, String uri, ResourceSubscriber who) {
        Key key = new Key(server, uri);
        if (!add(key, who)) {
            return Future.succeededFuture();
        }
        Upstream upstream = upstreams.upstream(server);
        if (upstream == null || !upstream.isOpen()) {
            remove(key, who);
            return Future.failedFuture(WarrantException.of(Reason.UPSTREAM_UNAVAILABLE, server));
        }
        CompletionStage<Map<String, Object>> sent = upstream.call("resources/subscribe", Map.of("uri", uri), null).result();
        return OnCallerContext.future(sent).<Void>mapEmpty().onFailure(e -> remove(key, who));
    }

    /** Ends a listen stream's subscription; the last subscriber leaving ends the upstream's. */
    public void unsubscribe(String server, String uri, ResourceSubscriber who) {
        if (remove(new Key(server, uri), who)) {
            Upstream upstream = upstreams.upstream(server);
            if (upstream != null && upstream.isOpen()) {
                upstream.call("resources/unsubscribe", Map.of("uri", uri), null);
            }
        }
    }

    /** @return true when {@code who} is the first subscriber (the upstream subscription should begin) */
    private boolean add(Key key, ResourceSubscriber who) {
        boolean[] first = {false};
        subscribers.compute(key, (k, set) -> {
            Set<ResourceSubscriber> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            first[0] = s.isEmpty();
            s.add(who);
            return s;
        });
        return first[0];
    }

    /** @return true when the last subscriber left (the upstream subscription should end) */
    private boolean remove(Key key, ResourceSubscriber who) {
        boolean[] last = {false};
        subscribers.computeIfPresent(key, (k, set) -> {
            boolean removed = set.remove(who);
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
        Set<ResourceSubscriber> who = subscribers.get(new Key(server, uri));
        if (who == null) {
            return;
        }
        JsonObject message = JsonRpc.notification(notification.method(), JsonValues.toJson(notification.params()));
        for (ResourceSubscriber s : who) {
            if (s.isClosed()) {
                who.remove(s);
            } else {
                s.updated(message.copy());
            }
        }
    }
}
