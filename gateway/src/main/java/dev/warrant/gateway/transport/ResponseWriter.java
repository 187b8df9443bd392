package dev.warrant.gateway.transport;

import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.ReplyChannel;
import io.vertx.core.Context;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Writes the answer to one POSTed request. It starts undecided; the first notification (e.g. progress)
 * turns the response into an SSE stream, otherwise the result goes out as a single application/json body —
 * the cheapest framing for the common case.
 *
 * <p>Concurrency: may be called from any thread (adapters deliver progress on their own threads); every
 * write hops onto the connection's event-loop context.
 */
final class ResponseWriter implements ReplyChannel {

    private final HttpServerResponse response;
    private final Context context;
    private final String resourceMetadataUrl;
    private boolean streaming;

    ResponseWriter(HttpServerResponse response, Context context, String resourceMetadataUrl) {
        this.response = response;
        this.context = context;
        this.resourceMetadataUrl = resourceMetadataUrl;
    }

    @Override
    public void notify(JsonObject notification) {
        onContext(() -> {
            if (response.ended() || response.closed()) {
                return;
            }
            startStreaming();
            response.write(Sse.event(notification));
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
                response.end(Sse.event(message));
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
            JsonObject body = ErrorResponses.errorResponse(id, error);
            if (streaming) {
                // Headers are gone: the error travels as the stream's final event.
                response.end(Sse.event(body));
                return;
            }
            HttpErrors.send(response, error, body, resourceMetadataUrl);
        });
    }

    private void startStreaming() {
        if (!streaming) {
            streaming = true;
            response.setChunked(true)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Sse.CONTENT_TYPE)
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
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
