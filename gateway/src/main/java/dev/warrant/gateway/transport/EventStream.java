package dev.warrant.gateway.transport;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One session's standalone GET stream: the response it is written to, if the agent has one open, and its recent
 * events, so an agent that reconnects with {@code Last-Event-ID} gets what it missed (Streamable HTTP
 * resumability).
 *
 * <p>Event ids are {@code <stream>-<seq>}: stream {@code 0} is the standalone GET stream, streams {@code 1, 2, ...}
 * are the SSE answers of this session's POSTs ({@link #postStreamPrefix}), so an id is unique within the session
 * and names its stream. Only stream 0 is kept and replayed; the buffer holds the last {@link #MAX_EVENTS} events
 * and at most {@link #MAX_BYTES}, whichever is smaller. An id this buffer cannot continue from (unknown, of another
 * stream, or older than what is kept) means "start fresh": a gap is then unavoidable, and a list_changed the agent
 * missed is covered by listing again.
 *
 * <p>Concurrency: pushes come from worker threads, attaches and detaches from the event loops of the agent's
 * connections, the end from whoever ends the session. Every method reads and writes the state under {@link #lock},
 * so a detach of an old connection cannot drop a newer stream, a replayed event is always written before a live
 * one, and nothing stays attached once the stream is closed. Writes to a response under the lock do not block
 * (Vert.x queues them); a replaced or closed response is ended after the lock is released.
 */
final class EventStream {

    /** Events kept for replay: a reconnect within seconds misses a few; more means the agent should list again. */
    static final int MAX_EVENTS = 256;
    /** Bytes kept for replay, so a session that gets large notifications holds at most this much. */
    static final int MAX_BYTES = 1 << 20;
    private static final Pattern STANDALONE_ID = Pattern.compile("0-(\\d{1,18})");

    private record Entry(long seq, Buffer frame) {
    }

    private final Object lock = new Object();
    /** Guarded by lock. The open GET stream's response; null while the agent has none. */
    private HttpServerResponse stream;
    /** Guarded by lock. Set at the first attach: from then on events are kept while the agent is disconnected. */
    private boolean listening;
    /** Guarded by lock. Set once, when the session ends: nothing is kept, attached or written after it. */
    private boolean closed;
    /** Guarded by lock. The kept events, oldest first. */
    private final ArrayDeque<Entry> kept = new ArrayDeque<>();
    /** Guarded by lock. The sequence number of the last event of stream 0. */
    private long lastSeq;
    /** Guarded by lock. The size of the kept frames. */
    private long bytes;
    /** Guarded by lock. The number of the last POST answer that turned into SSE. */
    private long lastPostStream;

    /**
     * Makes {@code response} the stream, replacing (and ending) the previous one. With a {@code lastEventId} this
     * buffer can continue from, the events after it are written first (resumption); otherwise the stream starts
     * fresh. {@code priming} adds the SEP-1699 event (an id, empty data) when nothing was replayed, so the agent
     * holds an id to resume from before the first message. Once closed, {@code response} is ended at once.
     *
     * @return how many events were replayed, or -1 when the stream started fresh
     */
    int attach(HttpServerResponse response, String lastEventId, boolean priming) {
        HttpServerResponse toEnd;
        int replayed = -1;
        synchronized (lock) {
            if (closed) {
                toEnd = response;
            } else {
                toEnd = stream == response ? null : stream;
                listening = true;
                replayed = replay(response, lastEventId);
                if (priming && replayed <= 0) {
                    response.write(Sse.priming("0-" + lastSeq));
                }
                stream = response;
            }
        }
        if (toEnd != null && !toEnd.ended()) {
            toEnd.end();
        }
        return replayed;
    }

    /** The connection of {@code response} went away: it stops being the stream, unless another replaced it. */
    void detach(HttpServerResponse response) {
        synchronized (lock) {
            if (stream == response) {
                stream = null;
            }
        }
    }

    /** Whether a GET stream is attached and still open. */
    boolean hasStream() {
        synchronized (lock) {
            return isOpen(stream);
        }
    }

    /** Whether the agent ever attached a stream and the stream is not closed: its events are then kept. */
    boolean isListening() {
        synchronized (lock) {
            return listening && !closed;
        }
    }

    /**
     * Numbers the next event, keeps it, and writes it to the stream if one is open.
     *
     * @return false when nothing was kept: no stream was ever attached, or the stream is closed
     */
    boolean push(JsonObject message) {
        String json = message.encode();
        synchronized (lock) {
            if (!listening || closed) {
                return false;
            }
            Buffer frame = Sse.event("0-" + ++lastSeq, json);
            keep(new Entry(lastSeq, frame));
            if (isOpen(stream)) {
                stream.write(frame);
            }
            return true;
        }
    }

    /** The id prefix of a POST answer that has just turned into SSE: {@code <n>-}, n counting from 1. */
    String postStreamPrefix() {
        synchronized (lock) {
            return ++lastPostStream + "-";
        }
    }

    /** Ends the stream for good: the attached response is ended, and later attaches are ended at once. */
    void close() {
        HttpServerResponse last;
        synchronized (lock) {
            closed = true;
            last = stream;
            stream = null;
            kept.clear();
            bytes = 0;
        }
        if (isOpen(last)) {
            last.end();
        }
    }

    // Called with the lock held.
    private void keep(Entry entry) {
        kept.addLast(entry);
        bytes += entry.frame().length();
        while (kept.size() > MAX_EVENTS || (bytes > MAX_BYTES && kept.size() > 1)) {
            bytes -= kept.removeFirst().frame().length();
        }
    }

    /**
     * Called with the lock held. Writes the kept events after {@code lastEventId}, in order, and returns how many;
     * -1 when the id cannot be continued from. An id newer than anything sent is as unknown as a malformed one.
     */
    private int replay(HttpServerResponse response, String lastEventId) {
        if (lastEventId == null) {
            return -1;
        }
        Matcher m = STANDALONE_ID.matcher(lastEventId.strip());
        if (!m.matches()) {
            return -1;
        }
        long seen = Long.parseLong(m.group(1));
        long oldestKept = kept.isEmpty() ? lastSeq + 1 : kept.peekFirst().seq();
        if (seen > lastSeq || seen < oldestKept - 1) {
            return -1;
        }
        int replayed = 0;
        for (Entry e : kept) {
            if (e.seq() > seen) {
                response.write(e.frame());
                replayed++;
            }
        }
        return replayed;
    }

    private static boolean isOpen(HttpServerResponse response) {
        return response != null && !response.ended() && !response.closed();
    }
}
