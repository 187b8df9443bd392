package dev.warrant.gateway.transport;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The recent events of one session's standalone GET stream, so an agent that reconnects with
 * {@code Last-Event-ID} gets what it missed (Streamable HTTP resumability).
 *
 * <p>Event ids are {@code <stream>-<seq>}: stream {@code 0} is the standalone GET stream, streams {@code 1, 2, ...}
 * are the SSE answers of this session's POSTs ({@link #postStreamPrefix}), so an id is unique within the session
 * and names its stream. Only stream 0 is kept and replayed; the buffer holds the last {@link #MAX_EVENTS} events
 * and at most {@link #MAX_BYTES}, whichever is smaller. An id this buffer cannot continue from (unknown, of another
 * stream, or older than what is kept) means "start fresh": a gap is then unavoidable, and a list_changed the agent
 * missed is covered by listing again.
 *
 * <p>Thread-safe: pushes come from worker threads, reconnects from event loops; the session holds this object's
 * monitor while it appends and writes, or replays and attaches, so a live event is never sent before a replayed one.
 */
final class StreamEvents {

    static final int MAX_EVENTS = 256;
    static final int MAX_BYTES = 1 << 20;
    private static final Pattern STANDALONE_ID = Pattern.compile("0-(\\d{1,18})");

    private record Entry(long seq, Buffer frame) {
    }

    private final ArrayDeque<Entry> kept = new ArrayDeque<>();
    private long lastSeq;
    private long bytes;
    private long lastPostStream;

    /** Numbers the next event of the GET stream, keeps it, and returns its SSE frame. */
    synchronized Buffer append(JsonObject message) {
        long seq = ++lastSeq;
        Buffer frame = frame("0-" + seq, message);
        kept.addLast(new Entry(seq, frame));
        bytes += frame.length();
        while (kept.size() > MAX_EVENTS || (bytes > MAX_BYTES && kept.size() > 1)) {
            bytes -= kept.removeFirst().frame().length();
        }
        return frame;
    }

    /**
     * The kept events after {@code lastEventId}, in order; empty when the id cannot be continued from (then the
     * stream starts fresh). An id newer than anything sent is as unknown as a malformed one.
     */
    synchronized Optional<List<Buffer>> after(String lastEventId) {
        if (lastEventId == null) {
            return Optional.empty();
        }
        Matcher m = STANDALONE_ID.matcher(lastEventId.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        long seen = Long.parseLong(m.group(1));
        long oldestKept = kept.isEmpty() ? lastSeq + 1 : kept.peekFirst().seq();
        if (seen > lastSeq || seen < oldestKept - 1) {
            return Optional.empty();
        }
        List<Buffer> missed = new ArrayList<>();
        for (Entry e : kept) {
            if (e.seq() > seen) {
                missed.add(e.frame());
            }
        }
        return Optional.of(missed);
    }

    /** The SEP-1699 priming event: an id and empty data, so a client can resume even before the first message. */
    synchronized Buffer priming() {
        return Buffer.buffer("id: 0-" + lastSeq + "\ndata: \n\n");
    }

    /** The id prefix of a POST answer that has just turned into SSE: {@code <n>-}, n counting from 1. */
    synchronized String postStreamPrefix() {
        return ++lastPostStream + "-";
    }

    static Buffer frame(String id, JsonObject message) {
        // JSON encoding escapes newlines inside strings, so one data line always suffices.
        return Buffer.buffer("id: " + id + "\nevent: message\ndata: " + message.encode() + "\n\n");
    }
}
