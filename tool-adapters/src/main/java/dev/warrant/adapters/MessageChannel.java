package dev.warrant.adapters;

import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A bidirectional JSON-RPC message pipe to one upstream; the seam between the session logic
 * ({@link JsonRpcUpstream}) and a transport. Messages are the SDK's JSON-RPC records whose params and
 * results are raw JSON trees.
 */
interface MessageChannel {

    /**
     * Opens the channel. Inbound messages are handed to {@code inbound} in arrival order (per stream) on the
     * channel's own thread; {@code lost} is called at most once when the channel can no longer carry
     * messages (process exited, session gone), after every message that arrived before was delivered.
     */
    CompletableFuture<Void> start(Consumer<JSONRPCMessage> inbound, Consumer<UpstreamException> lost);

    /** An inbound message and the id of our request it relates to, when the transport can tell. */
    interface CorrelatedInbound {
        /** @param relatedRequestId the id of our request whose response stream carried it, or null */
        void accept(JSONRPCMessage message, String relatedRequestId);
    }

    /**
     * Like {@link #start}, but tells, for each inbound message, which of our requests it relates to. A
     * transport without that knowledge (stdio) reports null for every message.
     */
    default CompletableFuture<Void> open(CorrelatedInbound inbound, Consumer<UpstreamException> lost) {
        return start(message -> inbound.accept(message, null), lost);
    }

    /**
     * Whether {@link #open} reports the related request for every message sent during a request (Streamable
     * HTTP: the POST's own SSE stream). If so, a message without one belongs to no call.
     */
    default boolean correlates() {
        return false;
    }

    /** Hands one message to the transport without blocking; fails with kind UNAVAILABLE if it cannot. */
    CompletableFuture<Void> send(JSONRPCMessage message);

    /** Tells the transport the protocol version agreed in the handshake (HTTP sends it as a header). */
    default void protocolVersion(String version) {
    }

    /** Releases the transport; completes when that is done. Idempotent. */
    CompletableFuture<Void> close();
}
