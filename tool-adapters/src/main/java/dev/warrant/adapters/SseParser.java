package dev.warrant.adapters;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * An incremental {@code text/event-stream} parser (WHATWG server-sent events) for bytes that arrive in
 * arbitrary chunks: a line, a UTF-8 character or an event may span chunks. Lines end in LF, CR or CRLF; a
 * blank line dispatches the event; {@code :} lines are comments (keep-alives); {@code data} lines join with
 * LF; {@code id} sets the last event id (kept across events, for {@code Last-Event-ID}); {@code retry} sets
 * the reconnection delay. An event without any {@code data} line is not dispatched; one whose data is empty
 * (a stream primer) is, and the receiver skips it.
 *
 * <p>Not thread-safe: one parser per stream, fed from one thread.
 */
final class SseParser {

    /** One dispatched event; {@code id} is the last event id at dispatch (may be null). */
    record Event(String id, String type, String data) {
    }

    /** An event (or a single line) above the limit: the stream cannot be trusted further. */
    static final class EventTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        EventTooLargeException(int limit) {
            super("server-sent event larger than " + limit + " bytes");
        }
    }

    private final int maxEventBytes;
    private final Consumer<Event> events;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean afterCarriageReturn;
    private StringBuilder data;
    private int dataBytes;
    private String type;
    private String lastEventId;
    private long retryMillis = -1;

    SseParser(int maxEventBytes, Consumer<Event> events) {
        this.maxEventBytes = maxEventBytes;
        this.events = events;
    }

    /** Parses one chunk, dispatching every event it completes, in order. */
    void feed(Buffer chunk) throws EventTooLargeException {
        int length = chunk.length();
        for (int i = 0; i < length; i++) {
            byte b = chunk.getByte(i);
            if (afterCarriageReturn) {
                afterCarriageReturn = false;
                if (b == '\n') {
                    continue; // the LF of a CRLF: the line already ended at the CR
                }
            }
            if (b == '\r' || b == '\n') {
                afterCarriageReturn = b == '\r';
                endLine();
            } else {
                append(b);
            }
        }
    }

    /** The id of the last event seen (for {@code Last-Event-ID} when resuming), or null. */
    String lastEventId() {
        return lastEventId;
    }

    /** The server's {@code retry} value in milliseconds, or -1 if it sent none. */
    long retryMillis() {
        return retryMillis;
    }

    private void append(byte b) throws EventTooLargeException {
        if (lineLength + dataBytes >= maxEventBytes) {
            throw new EventTooLargeException(maxEventBytes);
        }
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, Math.min(line.length * 2, maxEventBytes));
        }
        line[lineLength++] = b;
    }

    private void endLine() {
        // Decoded per complete line, so a multi-byte character split across chunks stays whole.
        String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        int bytes = lineLength;
        lineLength = 0;
        if (line.length > 64 * 1024) {
            line = new byte[256]; // do not keep a huge buffer after one large event
        }
        if (text.isEmpty()) {
            dispatch();
            return;
        }
        if (text.charAt(0) == ':') {
            return; // comment
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "data" -> {
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
                dataBytes += bytes + 1;
            }
            case "event" -> type = value;
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9') && value.length() < 10) {
                    retryMillis = Long.parseLong(value);
                }
            }
            default -> { } // unknown fields are ignored, as the standard says
        }
    }

    private void dispatch() {
        StringBuilder completed = data;
        String completedType = type;
        data = null;
        dataBytes = 0;
        type = null;
        if (completed != null) {
            events.accept(new Event(lastEventId, completedType == null || completedType.isEmpty() ? "message"
                    : completedType, completed.toString()));
        }
    }
}
