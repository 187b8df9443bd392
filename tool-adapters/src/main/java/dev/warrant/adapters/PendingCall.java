package dev.warrant.adapters;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request in flight. Whoever removes it from its upstream's pending table completes it (response,
 * timeout, cancel, connection loss), so it completes exactly once and a late response finds nothing.
 */
final class PendingCall implements UpstreamCall {

    private static final Logger log = LoggerFactory.getLogger(PendingCall.class);

    private final JsonRpcUpstream owner;
    private final String upstreamId;
    private final String method;
    private final Object callerProgressToken;
    private final Consumer<JsonRpcNotification> progress;
    /** Receives related notifications and server requests; null for calls nobody relays (catalog loads). */
    private final CallRelay relay;
    private final CompletableFuture<Map<String, Object>> outcome = new CompletableFuture<>();
    /** What callers see: completing or cancelling it cannot corrupt {@link #outcome}. */
    private final CompletableFuture<Map<String, Object>> view = outcome.copy();
    /** {@link System#nanoTime()} after which the call is abandoned ({@link CallDeadlines}). */
    private final long deadlineNanos;
    private final long timeoutMillis;

    PendingCall(JsonRpcUpstream owner, String upstreamId, String method, Object callerProgressToken,
            Consumer<JsonRpcNotification> progress, CallRelay relay, Duration timeout) {
        this.owner = owner;
        this.timeoutMillis = timeout.toMillis();
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        this.upstreamId = upstreamId;
        this.method = method;
        this.callerProgressToken = callerProgressToken;
        this.progress = progress;
        this.relay = relay;
    }

    @Override
    public String upstreamId() {
        return upstreamId;
    }

    @Override
    public CompletableFuture<Map<String, Object>> result() {
        return view;
    }

    @Override
    public void cancel(String reason) {
        owner.abandon(this, UpstreamException.Kind.CANCELLED, reason == null ? "cancelled" : reason);
    }

    String method() {
        return method;
    }

    /** Whether the request carried a progress token, i.e. whether progress may be routed to this call. */
    boolean wantsProgress() {
        return callerProgressToken != null;
    }

    /** Whether server requests and related notifications may be routed to this call. */
    boolean relays() {
        return relay != null;
    }

    CallRelay relay() {
        return relay;
    }

    /** Delivers a notification related to this call (not progress) to its relay. */
    void related(JsonRpcNotification notification) {
        try {
            relay.onNotification(notification);
        } catch (RuntimeException e) {
            log.warn("relay for {} failed on {}", upstreamId, notification.method(), e);
        }
    }

    /** Whether the call is past its deadline at {@code nowNanos} ({@link System#nanoTime()}). */
    boolean expired(long nowNanos) {
        return nowNanos - deadlineNanos >= 0;
    }

    long timeoutMillis() {
        return timeoutMillis;
    }

    void complete(Map<String, Object> result) {
        outcome.complete(result);
    }

    void fail(UpstreamException error) {
        outcome.completeExceptionally(error);
    }

    /** Delivers upstream progress to the caller under the caller's own token. */
    void progress(Map<String, Object> params) {
        if (progress == null) {
            return;
        }
        Map<String, Object> restored = new LinkedHashMap<>(params);
        restored.put(ProgressTokens.TOKEN, callerProgressToken);
        try {
            progress.accept(new JsonRpcNotification("notifications/progress", restored));
        } catch (RuntimeException e) {
            log.warn("progress consumer for {} failed", upstreamId, e);
        }
    }
}
