package dev.warrant.adapters;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.util.Locale;

/** Small helpers for reading the upstream's HTTP responses. */
final class HttpResponses {

    static final String EVENT_STREAM = "text/event-stream";
    static final String APPLICATION_JSON = "application/json";

    private HttpResponses() {
    }

    /** Collects a body up to {@code limit} bytes; beyond it the exchange is reset and the future fails. */
    static Future<Buffer> readBody(HttpClientResponse response, int limit) {
        Promise<Buffer> body = Promise.promise();
        Buffer collected = Buffer.buffer();
        response.handler(chunk -> {
            if (body.future().isComplete()) {
                return;
            }
            if (collected.length() + chunk.length() > limit) {
                body.tryFail("response body larger than " + limit + " bytes");
                response.request().reset();
                return;
            }
            collected.appendBuffer(chunk);
        });
        response.exceptionHandler(body::tryFail);
        response.endHandler(v -> body.tryComplete(collected));
        return body.future();
    }

    /** The lower-cased Content-Type, or "" if there is none. */
    static String contentType(HttpClientResponse response) {
        String type = response.getHeader("Content-Type");
        return type == null ? "" : type.toLowerCase(Locale.ROOT);
    }

    /** The innermost cause's message: the one line worth reporting. */
    static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
