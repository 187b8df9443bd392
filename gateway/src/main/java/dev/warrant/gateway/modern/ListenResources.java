package dev.warrant.gateway.modern;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.forward.ResourceSubscriber;
import dev.warrant.gateway.forward.SubscriptionHandler;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.ReplyChannel;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import dev.warrant.policies.Operation;
import dev.warrant.policies.PolicyEngine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code resourceSubscriptions} of one {@code subscriptions/listen} stream: each URI is decided like a 2025
 * {@code resources/subscribe} (the resource must be one the caller may subscribe to, on {@code /servers/{name}/mcp}
 * of that upstream) and subscribed through the gateway's shared table ({@link SubscriptionHandler}), so one
 * upstream subscription serves every session and stream. A URI that is refused, unknown, or not taken by its
 * upstream is left out of the acknowledgement, as the revision allows, so a refusal reveals nothing.
 */
final class ListenResources {

    /** At most this many URIs per stream: more is {@code invalid_params}, not a silent cut. */
    static final int MAX_URIS = 256;

    /** A resource of an upstream. */
    private record Target(String server, String uri) {
    }

    /** One stream's subscriptions, with the subscriber its updates go to. */
    record Subscribed(List<Target> targets, ResourceSubscriber subscriber) {
        JsonArray uris() {
            JsonArray a = new JsonArray();
            targets.forEach(t -> a.add(t.uri()));
            return a;
        }
    }

    private final SubscriptionHandler table;
    private final UpstreamRegistry upstreams;
    private final PolicyEngine engine;

    ListenResources(SubscriptionHandler table, UpstreamRegistry upstreams, PolicyEngine engine) {
        this.table = table;
        this.upstreams = upstreams;
        this.engine = engine;
    }

    /** The URIs asked for, checked: an array of strings, at most {@link #MAX_URIS}, duplicates dropped. */
    static Set<String> requested(Object value) {
        Set<String> uris = new LinkedHashSet<>();
        if (value == null) {
            return uris;
        }
        if (!(value instanceof JsonArray array)) {
            throw WarrantException.of(Reason.INVALID_PARAMS, "'resourceSubscriptions' must be an array of URIs");
        }
        for (Object uri : array) {
            if (!(uri instanceof String s)) {
                throw WarrantException.of(Reason.INVALID_PARAMS, "'resourceSubscriptions' must be an array of URIs");
            }
            uris.add(s);
        }
        if (uris.size() > MAX_URIS) {
            throw WarrantException.of(Reason.INVALID_PARAMS, "at most " + MAX_URIS + " resourceSubscriptions per stream");
        }
        return uris;
    }

    /** Subscribes what may be subscribed; completes with what was (never fails). */
    Future<Subscribed> subscribe(McpExchange exchange, Set<String> uris, ResourceSubscriber subscriber) {
        List<Target> allowed = new ArrayList<>();
        for (String uri : uris) {
            String server = exchange.virtualServer() != null ? exchange.virtualServer()
                    : upstreams.features().serverForUri(uri);
            if (server != null && engine.decide(exchange.token(),
                    Operation.resource("resources/subscribe", server, uri, exchange.http().peer())).allowed()) {
                allowed.add(new Target(server, uri));
            }
        }
        List<Future<Target>> each = new ArrayList<>();
        for (Target target : allowed) {
            each.add(table.subscribe(target.server(), target.uri(), subscriber).map(v -> target)
                    .otherwise((Target) null));
        }
        return Future.join(each).transform(ignored -> {
            List<Target> taken = new ArrayList<>();
            each.forEach(f -> {
                if (f.result() != null) {
                    taken.add(f.result());
                }
            });
            return Future.succeededFuture(new Subscribed(taken, subscriber));
        });
    }

    void unsubscribe(Subscribed subscribed) {
        for (Target target : subscribed.targets()) {
            table.unsubscribe(target.server(), target.uri(), subscribed.subscriber());
        }
    }

    /** The listen stream as a subscriber: updates tagged with its subscription id, until it ends. */
    static final class StreamSubscriber implements ResourceSubscriber {
        private final Object id;
        private final ReplyChannel channel;
        /** Nothing goes out before the acknowledgement, as the revision asks. */
        private volatile boolean open;
        private volatile boolean closed;

        StreamSubscriber(Object id, ReplyChannel channel) {
            this.id = id;
            this.channel = channel;
        }

        @Override
        public void updated(JsonObject notification) {
            if (!open || closed) {
                return;
            }
            JsonObject params = notification.getJsonObject("params", new JsonObject());
            params.put("_meta", new JsonObject().put(MetaKeys.SUBSCRIPTION_ID, id));
            channel.notify(notification.put("params", params));
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        /** Called right after the acknowledgement was handed to the channel (which keeps the order). */
        void acknowledged() {
            open = true;
        }

        void close() {
            closed = true;
        }
    }
}
