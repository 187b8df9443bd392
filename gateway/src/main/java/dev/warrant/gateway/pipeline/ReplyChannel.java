package dev.warrant.gateway.pipeline;

import io.vertx.core.json.JsonObject;

/**
 * Messages a stage sends to the agent before the final response (progress, logging, server requests).
 * The transport decides the framing: the first such message turns the HTTP response into an SSE stream.
 */
public interface ReplyChannel {

    /** Sends a JSON-RPC notification related to the current request. Never throws. */
    void notify(JsonObject notification);

    /**
     * Runs {@code action} (on the request's context) if the client's connection closes before the answer is
     * sent — a client that disconnects withdraws what it was waiting for. The default never calls it.
     */
    default void onClientGone(Runnable action) {
    }

    /**
     * Tells the client (and proxies between) that the answer is still coming, without a JSON-RPC message: an
     * SSE comment. For a wait that has nothing to say to a client that asked for no progress and no logs.
     */
    default void keepAlive(String text) {
    }

    ReplyChannel NONE = notification -> { };
}
