package dev.warrant.adapters;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One 2026-07-28 request in flight: its own POST ({@link ModernExchange}), whose answer stream carries everything
 * about it, so nothing needs routing by id. It completes once, by whoever completes its future first: the answer,
 * an error, the deadline, a cancel or the upstream's close. Giving up aborts the POST, which is how 2026 cancels.
 */
final class ModernCall implements UpstreamCall {

    private static final Logger log = LoggerFactory.getLogger(ModernCall.class);
    private static final String PROGRESS = "notifications/progress";

    private final ModernHttpUpstream owner;
    private final String id;
    private final String method;
    private final Object callerToken;
    private final Consumer<JsonRpcNotification> progress;
    private final CallRelay relay;
    private final long deadlineNanos;
    private final long timeoutMillis;
    private final CompletableFuture<Map<String, Object>> outcome = new CompletableFuture<>();
    /** What callers see: completing or cancelling it cannot corrupt {@link #outcome}. */
    private final CompletableFuture<Map<String, Object>> view = outcome.copy();
    private volatile ModernExchange exchange;

    ModernCall(ModernHttpUpstream owner, String id, String method, Object callerToken,
            Consumer<JsonRpcNotification> progress, Duration timeout) {
        this.owner = owner;
        this.id = id;
        this.method = method;
        this.callerToken = callerToken;
        this.progress = progress;
        this.relay = progress instanceof CallRelay r ? r : null;
        this.timeoutMillis = timeout.toMillis();
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    /** Starts the POST. */
    void send(ModernExchange exchange) {
        this.exchange = exchange;
        exchange.start();
    }

    @Override
    public String upstreamId() {
        return id;
    }

    @Override
    public CompletableFuture<Map<String, Object>> result() {
        return view;
    }

    /** The outcome itself, for the owner's bookkeeping (never handed to callers). */
    CompletableFuture<Map<String, Object>> outcome() {
        return outcome;
    }

    String method() {
        return method;
    }

    @Override
    public void cancel(String reason) {
        abort(new UpstreamException(UpstreamException.Kind.CANCELLED, method + " " + id + " to " + owner.name()
                + " cancelled: " + (reason == null ? "cancelled" : reason)));
    }

    /** Gives up unless already complete: fails with {@code error} and aborts the POST. */
    void abort(UpstreamException error) {
        if (outcome.completeExceptionally(error)) {
            ModernExchange sent = exchange;
            if (sent != null) {
                sent.abort();
            }
        }
    }

    boolean expired(long nowNanos) {
        return nowNanos - deadlineNanos >= 0;
    }

    void timeOut() {
        abort(new UpstreamException(UpstreamException.Kind.TIMEOUT, method + " " + id + " to " + owner.name()
                + " timed out: no response within " + timeoutMillis + " ms"));
    }

    /** The HTTP status the upstream answered this call's POST with, or 0 if none arrived. */
    int httpStatus() {
        ModernExchange sent = exchange;
        return sent == null ? 0 : sent.status();
    }

    boolean done() {
        return outcome.isDone();
    }

    /** The upstream's result, as it sent it. */
    void complete(Map<String, Object> result) {
        if (!outcome.isDone()) {
            owner.answered(method, result);
            outcome.complete(result);
        }
    }

    void fail(UpstreamException error) {
        outcome.completeExceptionally(error);
    }

    /** A notification on this call's answer stream. */
    void notification(JsonRpcNotification notification) {
        if (outcome.isDone()) {
            return;
        }
        if (PROGRESS.equals(notification.method())) {
            Object token = notification.params().get(ProgressTokens.TOKEN);
            if (callerToken != null && progress != null && token != null && id.equals(String.valueOf(token))) {
                Map<String, Object> restored = new LinkedHashMap<>(notification.params());
                restored.put(ProgressTokens.TOKEN, callerToken);
                deliver(() -> progress.accept(new JsonRpcNotification(PROGRESS, restored)), PROGRESS);
            }
        } else if (CallRouting.upstreamWide(notification.method())) {
            owner.broadcast(notification);
        } else if (relay != null) {
            deliver(() -> relay.onNotification(notification), notification.method());
        }
    }

    private void deliver(Runnable delivery, String what) {
        try {
            delivery.run();
        } catch (RuntimeException e) {
            log.warn("relay for {} failed on {}", id, what, e);
        }
    }
}
