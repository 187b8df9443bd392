package dev.warrant.gateway.transport;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** Server-Sent Events framing for Streamable HTTP. */
final class Sse {

    private Sse() {
    }

    static final String CONTENT_TYPE = "text/event-stream";

    static Buffer event(JsonObject message) {
        // JSON encoding escapes newlines inside strings, so one data line always suffices.
        return Buffer.buffer("event: message\ndata: " + message.encode() + "\n\n");
    }

    static Buffer comment(String text) {
        return Buffer.buffer(": " + text + "\n\n");
    }
}
