package dev.warrant.gateway.transport;

import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.Era;
import dev.warrant.gateway.pipeline.ReplyChannel;
import io.vertx.core.Context;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Writes the answer to one POSTed request. It starts undecided; the first notification (e.g. progress)
 * turns the response into an SSE stream, otherwise the result goes out as a single application/json body —
 * the cheapest framing for the common case. Its SSE events carry ids {@code <k>-<n>} unique within the session
 * ({@link EventStream}); they are not kept, so such a stream cannot be resumed.
 *
 * <p>Concurrency: may be called from any thread (adapters deliver progress on their own threads); every
 * write hops onto the connection's event-loop context.
 */
final class ResponseWriter implements ReplyChannel {

    private final HttpServerResponse response;
    private final Context context;
    private final String resourceMetadataUrl;
    private final Era era;
    private boolean streaming;
    /** The session of the request, known once the pipeline resolved it; gives this stream its event ids. */
    private java.util.function.Supplier<Session> session = () -> null;
    /** {@code <stream>-} when the answer is SSE on a session, else null (no ids: initialize has no session yet). */
    private String idPrefix;
    private long lastSeq;

    ResponseWriter(HttpServerResponse response, Context context, String resourceMetadataUrl, Era era) {
        this.response = response;
        this.context = context;
        this.resourceMetadataUrl = resourceMetadataUrl;
        this.era = era;
    }

    void eventIdsFrom(java.util.function.Supplier<Session> session) {
        this.session = session;
    }

    @Override
    public void notify(JsonObject notification) {
        onContext(() -> {
            if (response.ended() || response.closed()) {
                return;
            }
            startStreaming();
            response.write(event(notification));
        });
    }

    @Override
    public void keepAlive(String text) {
        onContext(() -> {
            if (response.ended() || response.closed()) {
                return;
            }
            startStreaming();
            response.write(Sse.comment(text));
        });
    }

    @Override
    public void onClientGone(Runnable action) {
        onContext(() -> {
            if (response.closed() && !response.ended()) {
                action.run();
                return;
            }
            // Fires only when the connection closes while this response is still open.
            response.closeHandler(v -> {
                if (!response.ended()) {
                    action.run();
                }
            });
        });
    }

    void finish(JsonObject message, String sessionId) {
        onContext(() -> {
            if (response.ended() || response.closed()) {
                return;
            }
            if (streaming) {
                response.end(event(message));
                return;
            }
            if (sessionId != null) {
                response.putHeader("Mcp-Session-Id", sessionId);
            }
            response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(message.toBuffer());
        });
    }

    void fail(Object id, WarrantException error) {
        onContext(() -> {
            if (response.ended() || response.closed()) {
                return;
            }
            JsonObject body = ErrorResponses.errorResponse(id, error, era);
            if (streaming) {
                // Headers are gone: the error travels as the stream's final event.
                response.end(event(body));
                return;
            }
            HttpErrors.send(response, error, era, body, resourceMetadataUrl);
        });
    }

    private io.vertx.core.buffer.Buffer event(JsonObject message) {
        return idPrefix == null ? Sse.event(message) : Sse.event(idPrefix + ++lastSeq, message.encode());
    }

    private void startStreaming() {
        if (!streaming) {
            streaming = true;
            Session s = session.get();
            idPrefix = s == null ? null : s.postStreamPrefix();
            response.setChunked(true)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Sse.CONTENT_TYPE)
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
            if (era == Era.MODERN) {
                // The stream is this request's only channel: proxies must not hold its events back.
                response.putHeader("X-Accel-Buffering", "no");
            }
        }
    }

    private void onContext(Runnable action) {
        if (Context.isOnEventLoopThread() && context == io.vertx.core.Vertx.currentContext()) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }
}
