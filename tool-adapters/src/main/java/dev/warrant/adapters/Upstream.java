package dev.warrant.adapters;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * An initialized connection to one upstream MCP server, at the JSON-RPC message level: params and results
 * are raw JSON trees, so fields the gateway does not model (tasks, {@code _meta}, structuredContent,
 * outputSchema, icons, anything newer) pass through untouched. Obtain one with
 * {@link Upstreams#connect(UpstreamSpec)}.
 *
 * <p>Concurrency: all methods are thread-safe and never block, except {@link #close()}. Futures and
 * callbacks complete on adapter threads: the transport's inbound thread (responses, progress,
 * notifications), the shared timeout thread (timeouts), or the thread calling {@code cancel}/{@code close}.
 * Never block in a dependent stage; the gateway hops back onto its own Vert.x context.
 */
public interface Upstream extends AutoCloseable {

    String name();

    UpstreamSpec spec();

    /**
     * The upstream's raw initialize result: protocolVersion, capabilities, serverInfo, instructions, ... For a
     * 2026-07-28 upstream, made from its {@code server/discover} result, with protocolVersion {@code 2026-07-28}.
     */
    Map<String, Object> initializeResult();

    /**
     * Sends a request with a fresh upstream-unique id. {@code params} are forwarded as given (the caller's
     * map is never modified), except one rewrite: if {@code params._meta.progressToken} is present it is
     * replaced by an upstream-unique token, and {@code notifications/progress} carrying that token are
     * passed to {@code progress} with the caller's original token restored. The request fails with kind
     * {@code TIMEOUT} after {@link UpstreamSpec#requestTimeout()} (and the upstream is sent
     * {@code notifications/cancelled}; a 2026-07-28 upstream has the request's POST aborted instead).
     *
     * @param params may be {@code null} (sent without params)
     * @param progress receives progress for this call; may be {@code null}. If it is a {@link CallRelay}, it
     *     also receives what else the upstream sends about this call (see {@link #callRelayed}); an
     *     implementation that wraps another must pass it on unchanged
     */
    UpstreamCall call(String method, Map<String, Object> params, Consumer<JsonRpcNotification> progress);

    /**
     * Like {@link #call}, and also relays to {@code relay} what the upstream sends about this call while it
     * is in flight: related notifications (logging, ...) and server-to-client requests (sampling,
     * elicitation, roots), whose answers go back upstream. See {@link CallRelay} for how messages are matched
     * to calls. Same as {@code call(method, params, relay)}: the relay is the progress consumer, so wrappers
     * that pass {@code progress} on unchanged need nothing more.
     */
    default UpstreamCall callRelayed(String method, Map<String, Object> params, CallRelay relay) {
        return call(method, params, java.util.Objects.requireNonNull(relay, "relay"));
    }

    /** Sends a notification upstream. Completes when it was handed to the transport. */
    CompletableFuture<Void> notify(String method, Map<String, Object> params);

    void addListener(UpstreamListener listener);

    void removeListener(UpstreamListener listener);

    /** True between a successful handshake (2026-07-28: discover) and the end of the connection. */
    boolean isOpen();

    /** Connected, restarting or failed, with the last error; a supervised upstream keeps its history. */
    default UpstreamHealth health() {
        return UpstreamHealth.of(isOpen());
    }

    /**
     * Ends the connection: calls in flight fail with {@code UNAVAILABLE}. For stdio, closes the child's stdin,
     * then terminates the process if it has not exited after a grace period (and kills it if that does not
     * help); for HTTP, ends the session with DELETE (2026-07-28: aborts the open requests). Completes when that is
     * done. Idempotent.
     */
    CompletableFuture<Void> closeAsync();

    /** {@link #closeAsync()} and wait for it (a few seconds at most). Blocks: call it from a worker thread. */
    @Override
    void close();
}
