package dev.warrant.adapters;

import io.modelcontextprotocol.json.McpJsonMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * {@code resources/subscribe} and {@code resources/unsubscribe} for a 2026-07-28 upstream, whose revision replaced
 * them by the {@code resourceSubscriptions} of {@code subscriptions/listen}: the gateway (which speaks the 2025
 * methods to its own subscription table) gets the same calls on both eras. The subscribed URIs share one listen
 * stream; a change of the set replaces the stream by one with the new set. A subscribe completes once a stream
 * asking for its URI is acknowledged with the URI honoured, and fails if the upstream leaves it out; an
 * unsubscribe completes at once. {@code notifications/resources/updated} from the stream go to the listeners.
 *
 * <p>Its state is touched on the session's home context only; callers may be on any thread.
 */
final class ModernResourceSubscriptions {

    /** A subscribe call waiting for an acknowledgement that names its URI. */
    private record Waiting(String uri, CompletableFuture<Map<String, Object>> result) {
    }

    private final HttpSession session;
    private final McpJsonMapper json;
    private final Consumer<JsonRpcNotification> updates;
    private final Duration timeout;
    private final Set<String> uris = new LinkedHashSet<>();
    private final List<Waiting> waiting = new ArrayList<>();
    private Set<String> honoured = Set.of();
    private ModernListen stream;
    private boolean stopped;

    ModernResourceSubscriptions(HttpSession session, McpJsonMapper json, Consumer<JsonRpcNotification> updates,
            Duration timeout) {
        this.session = session;
        this.json = json;
        this.updates = updates;
        this.timeout = timeout;
    }

    CompletableFuture<Map<String, Object>> subscribe(String uri) {
        CompletableFuture<Map<String, Object>> result = new CompletableFuture<>();
        ScheduledFuture<?> deadline = Timers.schedule(timeout, () -> result.completeExceptionally(
                new UpstreamException(UpstreamException.Kind.TIMEOUT, "upstream " + session.name()
                        + " did not acknowledge the subscription to " + uri + " in time")));
        result.whenComplete((r, e) -> deadline.cancel(false));
        session.run(() -> {
            if (stopped) {
                result.completeExceptionally(session.unavailable("is closed"));
            } else if (uris.contains(uri) && honoured.contains(uri)) {
                result.complete(Map.of());
            } else {
                uris.add(uri);
                waiting.add(new Waiting(uri, result));
                restart();
            }
        });
        return result;
    }

    CompletableFuture<Map<String, Object>> unsubscribe(String uri) {
        session.run(() -> {
            if (uris.remove(uri)) {
                restart();
            }
        });
        return CompletableFuture.completedFuture(Map.of());
    }

    void stop() {
        session.run(() -> {
            stopped = true;
            if (stream != null) {
                stream.stop();
                stream = null;
            }
            waiting.forEach(w -> w.result().completeExceptionally(session.unavailable("was closed")));
            waiting.clear();
        });
    }

    private void restart() {
        if (uris.isEmpty()) {
            if (stream != null) {
                stream.stop();
                stream = null;
            }
            honoured = Set.of();
            return;
        }
        Map<String, Object> filter = Map.of(ModernListen.RESOURCE_SUBSCRIPTIONS, List.copyOf(uris));
        if (stream == null) {
            stream = new ModernListen(session, json, filter, updates, this::acknowledged);
            stream.start();
        } else {
            stream.refilter(filter);
        }
    }

    private void acknowledged(Map<String, Object> ack) {
        Set<String> now = new LinkedHashSet<>();
        if (ack.get(ModernListen.RESOURCE_SUBSCRIPTIONS) instanceof List<?> list) {
            list.forEach(u -> now.add(String.valueOf(u)));
        }
        honoured = now;
        // Every stream asks for every URI subscribed when it was opened, and only the newest stream's
        // acknowledgement arrives here: a waiting URI it leaves out was refused.
        for (Waiting w : waiting) {
            if (now.contains(w.uri())) {
                w.result().complete(Map.of());
            } else {
                uris.remove(w.uri());
                w.result().completeExceptionally(UpstreamException.errorResponse(-32602, "upstream "
                        + session.name() + " did not honour a subscription to " + w.uri(), null));
            }
        }
        waiting.clear();
    }
}
