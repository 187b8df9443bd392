package dev.warrant.adapters;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Receives what an upstream sends about one call while it is in flight: progress, related notifications
 * (logging, ...) and server-to-client requests (sampling, elicitation, roots). Pass one to
 * {@link Upstream#callRelayed}. Every method has a default, so a relay implements only what it relays.
 *
 * <p>Which messages belong to a call: over Streamable HTTP, those that arrive on the SSE stream of the call's
 * own POST (exact). A transport without request correlation (stdio, legacy SSE) cannot say; there a request
 * or notification that names no call goes to the only relayed call in flight on that upstream, and a
 * request that arrives while several are in flight is refused with a JSON-RPC error (see
 * ServerRequests) — never guessed, since a wrong guess would show one agent another's data.
 *
 * <p>A relay is also the call's progress consumer ({@link #accept} is {@link #onProgress}), so it travels
 * through {@link Upstream#call}'s {@code progress} argument: an {@link Upstream} wrapper (limits,
 * supervision) that passes that argument on unchanged relays everything without knowing about relays.
 *
 * <p>Callbacks run on the adapter's inbound thread: be quick, never block.
 */
public interface CallRelay extends Consumer<JsonRpcNotification> {

    @Override
    default void accept(JsonRpcNotification progress) {
        onProgress(progress);
    }

    /** Progress for this call, already carrying the caller's own progress token. */
    default void onProgress(JsonRpcNotification progress) {
    }

    /** A notification related to this call other than progress (e.g. {@code notifications/message}). */
    default void onNotification(JsonRpcNotification notification) {
    }

    /**
     * A request the upstream makes while serving this call. Complete with the raw result, or exceptionally
     * with an {@link UpstreamException} of kind {@code ERROR_RESPONSE} to answer that JSON-RPC error. The
     * default answers -32601.
     */
    default CompletableFuture<Map<String, Object>> onServerRequest(String method, Map<String, Object> params) {
        return CompletableFuture.failedFuture(UpstreamException.methodNotFound(method));
    }
}
