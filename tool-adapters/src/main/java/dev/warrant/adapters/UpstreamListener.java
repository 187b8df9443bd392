package dev.warrant.adapters;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What an upstream says that does not belong to one call: notifications (list_changed, resources/updated,
 * logging messages, ...), requests it makes to us (sampling, elicitation, roots), and the end of the
 * connection. Every method has a default, so a listener implements only what it cares about.
 *
 * <p>Callbacks run on the adapter's inbound thread; they must be quick and must not block (hop to your own
 * executor). An exception thrown by a callback is logged and does not affect the connection.
 */
public interface UpstreamListener {

    /** An uncorrelated notification from the upstream. Progress for a call goes to that call instead. */
    default void onNotification(JsonRpcNotification notification) {
    }

    /**
     * A request the upstream sends us (server-to-client), other than {@code ping}, which the adapter answers
     * itself. Complete the future with the raw result, or exceptionally with an
     * {@link UpstreamException} of kind {@code ERROR_RESPONSE} to answer with that JSON-RPC error; any other
     * failure is answered with -32603.
     *
     * <p>This is the seam for relaying sampling/elicitation/roots to the calling agent session. The default
     * answers -32601 (method not found). With several listeners, the first whose future is not already
     * failed with -32601 answers.
     */
    default CompletableFuture<Map<String, Object>> onServerRequest(String method, Map<String, Object> params) {
        return CompletableFuture.failedFuture(UpstreamException.methodNotFound(method));
    }

    /**
     * The connection ended, once: the process exited, the HTTP session was lost, or the adapter was closed.
     * Every call in flight has already been failed with kind {@code UNAVAILABLE}.
     */
    default void onClosed(UpstreamException cause) {
    }
}
