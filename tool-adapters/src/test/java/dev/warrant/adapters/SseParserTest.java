package dev.warrant.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The incremental event-stream parser: chunk boundaries anywhere, line endings, comments, ids, limits. */
class SseParserTest {

    private final List<SseParser.Event> events = new ArrayList<>();
    private final SseParser parser = new SseParser(1024, events::add);

    @Test
    void anEventSplitAtEveryByteIsTheSameEvent() throws Exception {
        byte[] stream = "id: 7\nevent: message\ndata: {\"a\":\"é\"}\n\n".getBytes(StandardCharsets.UTF_8);
        for (byte b : stream) {
            parser.feed(Buffer.buffer(new byte[] {b})); // splits inside the two-byte é as well
        }
        assertThat(events).containsExactly(new SseParser.Event("7", "message", "{\"a\":\"é\"}"));
        assertThat(parser.lastEventId()).isEqualTo("7");
    }

    @Test
    void multiLineDataJoinsWithNewlines() throws Exception {
        feed("data: first\ndata:second\ndata:  third\n\n");
        assertThat(events).extracting(SseParser.Event::data).containsExactly("first\nsecond\n third");
    }

    @Test
    void commentsAndEventsWithoutDataAreNotDispatched() throws Exception {
        feed(": keep-alive\n\nevent: ping\n\n:another\ndata: x\n\n");
        assertThat(events).containsExactly(new SseParser.Event(null, "message", "x"));
    }

    @Test
    void crlfAndBareCrEndLinesEvenWhenSplitBetweenChunks() throws Exception {
        feed("data: one\r");
        feed("\n\r\n");
        feed("data: two\r\rdata: three\r\n\r\n");
        assertThat(events).extracting(SseParser.Event::data).containsExactly("one", "two", "three");
    }

    @Test
    void anEmptyDataPrimerIsDispatchedWithItsIdAndRetryIsKept() throws Exception {
        feed("id: primer-1\nretry: 250\ndata:\n\nevent: custom\ndata: y\n\n");
        assertThat(events).containsExactly(new SseParser.Event("primer-1", "message", ""),
                new SseParser.Event("primer-1", "custom", "y"));
        assertThat(parser.retryMillis()).isEqualTo(250);
    }

    @Test
    void anIncompleteEventAtTheEndIsNotDispatched() throws Exception {
        feed("data: never finished\n");
        assertThat(events).isEmpty();
    }

    @Test
    void anEventAboveTheLimitFailsEvenAcrossLines() throws Exception {
        char[] half = new char[600];
        Arrays.fill(half, 'x');
        feed("data: " + new String(half) + "\n");
        assertThatThrownBy(() -> feed("data: " + new String(half) + "\n"))
                .isInstanceOf(SseParser.EventTooLargeException.class)
                .hasMessageContaining("1024");
        assertThat(events).isEmpty();
    }

    private void feed(String text) throws SseParser.EventTooLargeException {
        parser.feed(Buffer.buffer(text.getBytes(StandardCharsets.UTF_8)));
    }
}
