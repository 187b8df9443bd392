package dev.warrant.adapters;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One request in flight to an upstream. It completes exactly once: with the upstream's raw {@code result}
 * map, or exceptionally with an {@link UpstreamException} (its kind says why).
 */
public interface UpstreamCall {

    /**
     * The JSON-RPC id this request carries upstream. Unique per upstream connection and unrelated to the
     * agent's own request id, so two agent sessions can never collide upstream.
     */
    String upstreamId();

    /** The raw {@code result} object of the upstream's response. */
    CompletableFuture<Map<String, Object>> result();

    /**
     * Gives up on this call: sends {@code notifications/cancelled} with the upstream id and the reason (to a
     * 2026-07-28 upstream: aborts the request's POST), and fails {@link #result()} with kind {@code CANCELLED}.
     * Does nothing if the call already completed; a response that arrives afterwards is dropped, as the protocol
     * asks.
     */
    void cancel(String reason);
}
