package dev.warrant.gateway;

import dev.warrant.delegation.MintSpec;
import dev.warrant.gateway.transport.Session;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Resumability of the standalone GET stream (Streamable HTTP, Last-Event-ID) over real HTTP on loopback:
 * every event has an id, events pushed while the agent is between streams are kept, and a reconnect with the
 * last id it saw gets exactly the missed ones, in order, before live ones. Another session gets none of them.
 * Pushes go through {@link dev.warrant.gateway.transport.SessionRegistry#pushToStreams}, the path
 * list_changed notifications take.
 */
class StreamResumeTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final String INITIALIZE_2025_11_25 = Agents.INITIALIZE.replace("2025-06-18", "2025-11-25");

    static TestGateway gw;
    static String alice;
    static String bob;

    @BeforeAll
    static void start() throws Exception {
        gw = new TestGateway(null);
        alice = gw.minter.mint(MintSpec.builder("alice").right("tool", "notes", "read_note").ttl(Duration.ofHours(1)).build());
        bob = gw.minter.mint(MintSpec.builder("bob").right("tool", "notes", "read_note").ttl(Duration.ofHours(1)).build());
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void aReconnectWithLastEventIdGetsExactlyTheMissedEventsInOrderThenLiveOnes() throws Exception {
        String session = initialize(alice, INITIALIZE_2025_11_25);
        // Nothing is kept for a session that never listened: it could not resume anyway.
        assertThat(push(session, "before-any-stream")).isZero();

        Stream first = Stream.open(alice, session, null);
        // 2025-11-25: a priming event (id, empty data) comes first, so the agent can resume from the start.
        assertThat(first.nextEvent()).isEqualTo(new Event("0-0", ""));
        assertThat(push(session, "m1")).isEqualTo(1);
        Event m1 = first.nextEvent();
        assertThat(m1.id()).isEqualTo("0-1");
        assertThat(marker(m1)).isEqualTo("m1");
        first.close();
        awaitNoStream(session);

        // Pushed while the agent is away: kept for it.
        assertThat(push(session, "m2")).isEqualTo(1);
        assertThat(push(session, "m3")).isEqualTo(1);

        Stream resumed = Stream.open(alice, session, m1.id());
        Event m2 = resumed.nextEvent();
        Event m3 = resumed.nextEvent();
        assertThat(List.of(m2.id(), marker(m2), m3.id(), marker(m3))).containsExactly("0-2", "m2", "0-3", "m3");
        push(session, "m4");
        Event m4 = resumed.nextEvent();
        assertThat(List.of(m4.id(), marker(m4))).containsExactly("0-4", "m4");
        assertThat(resumed.nextEvent(300)).isNull();
        resumed.close();

        // An id this session never issued (or an old one it no longer keeps): a fresh stream, no replay.
        Stream fresh = Stream.open(alice, session, "0-99");
        assertThat(fresh.nextEvent()).isEqualTo(new Event("0-4", ""));
        assertThat(fresh.nextEvent(300)).isNull();
        fresh.close();
        Stream junk = Stream.open(alice, session, "not-an-id");
        assertThat(junk.nextEvent()).isEqualTo(new Event("0-4", ""));
        assertThat(junk.nextEvent(300)).isNull();
        junk.close();
    }

    @Test
    void anotherSessionsLastEventIdReplaysNothingOfThisSession() throws Exception {
        String aliceSession = initialize(alice, INITIALIZE_2025_11_25);
        Stream aliceStream = Stream.open(alice, aliceSession, null);
        assertThat(aliceStream.nextEvent().id()).isEqualTo("0-0");
        push(aliceSession, "secret-1");
        push(aliceSession, "secret-2");
        assertThat(marker(aliceStream.nextEvent())).isEqualTo("secret-1");
        aliceStream.close();

        // Bob (2025-06-18: no priming event) presents an id of Alice's stream on his own session: nothing.
        String bobSession = initialize(bob, Agents.INITIALIZE);
        Stream bobStream = Stream.open(bob, bobSession, "0-0");
        assertThat(bobStream.nextEvent(500)).isNull();
        push(aliceSession, "secret-3");
        assertThat(bobStream.nextEvent(500)).isNull();
        assertThat(bobStream.raw).noneMatch(l -> l.contains("secret"));
        bobStream.close();

        // And Bob cannot open Alice's stream at all (owner check), with or without her ids.
        HttpResponse<String> refused = HTTP.send(get(bob, aliceSession, "0-0").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(refused.body()).getJsonObject("error").getJsonObject("data").getString("reason"))
                .isEqualTo("session_owner_mismatch");
    }

    @Test
    void aClientAskingForAVersionNotSpokenIsAnsweredWithTheLatestAndSoGetsPriming() throws Exception {
        HttpResponse<String> init = Agents.post(gw.mcpUrl(), Agents.INITIALIZE.replace("2025-06-18", "2099-01-01"),
                "Authorization", "Bearer " + alice);
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        assertThat(new JsonObject(init.body()).getJsonObject("result").getString("protocolVersion")).isEqualTo("2025-11-25");
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        try (Stream s = Stream.open(alice, session, null)) {
            assertThat(s.nextEvent()).isEqualTo(new Event("0-0", ""));
        }
        HttpResponse<String> refused = HTTP.send(get(alice, session, null).header("MCP-Protocol-Version", "2099-01-01")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("protocol_version_unsupported");
    }

    // --- plumbing ---

    record Event(String id, String data) {
    }

    static String marker(Event e) {
        return new JsonObject(e.data()).getJsonObject("params").getString("marker");
    }

    static int push(String sessionId, String marker) {
        JsonObject message = new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/test/marker")
                .put("params", new JsonObject().put("marker", marker));
        return gw.gateway.sessions().pushToStreams(message, (Session s) -> s.id().equals(sessionId));
    }

    static void awaitNoStream(String sessionId) {
        await("the gateway noticed the closed GET stream").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> gw.gateway.sessions().all().stream().noneMatch(s -> s.id().equals(sessionId) && s.hasStream()));
    }

    static String initialize(String token, String body) throws Exception {
        HttpResponse<String> init = Agents.post(gw.mcpUrl(), body, "Authorization", "Bearer " + token);
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        return init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    static HttpRequest.Builder get(String token, String session, String lastEventId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(gw.mcpUrl()).timeout(Duration.ofSeconds(30)).GET()
                .header("Authorization", "Bearer " + token).header("Mcp-Session-Id", session)
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        return b;
    }

    /** One GET stream, parsed into events by a reader thread; close() drops the connection. */
    static final class Stream implements AutoCloseable {
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        final List<String> raw = java.util.Collections.synchronizedList(new ArrayList<>());
        private final InputStream body;

        private Stream(InputStream body) {
            this.body = body;
            Thread reader = new Thread(this::read, "sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static Stream open(String token, String session, String lastEventId) throws Exception {
            HttpResponse<InputStream> r = HTTP.send(get(token, session, lastEventId).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
            return new Stream(r.body());
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String id = null;
                String data = null;
                String line;
                while ((line = in.readLine()) != null) {
                    raw.add(line);
                    if (line.isEmpty()) {
                        if (data != null) {
                            events.add(new Event(id, data));
                        }
                        id = null;
                        data = null;
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).strip();
                    } else if (line.startsWith("data:")) {
                        data = line.substring(5).strip();
                    }
                }
            } catch (java.io.IOException closed) {
                // close() or the gateway ended the stream
            }
        }

        Event nextEvent() throws InterruptedException {
            Event e = nextEvent(10_000);
            assertThat(e).as("an event within 10 s").isNotNull();
            return e;
        }

        Event nextEvent(long millis) throws InterruptedException {
            return events.poll(millis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws Exception {
            body.close();
        }
    }
}
