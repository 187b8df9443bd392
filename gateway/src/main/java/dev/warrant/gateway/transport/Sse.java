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

    /** An event with an id, which a client can resume after ({@code json} is one encoded message). */
    static Buffer event(String id, String json) {
        return Buffer.buffer("id: " + id + "\nevent: message\ndata: " + json + "\n\n");
    }

    /** The SEP-1699 priming event: an id and empty data, so a client can resume even before the first message. */
    static Buffer priming(String id) {
        return Buffer.buffer("id: " + id + "\ndata: \n\n");
    }

    static Buffer comment(String text) {
        return Buffer.buffer(": " + text + "\n\n");
    }
}
