package dev.warrant.gateway.console;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.warrant.gateway.console.ConsoleClient.form;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The live approvals stream lives no longer than its sign-in (docs/ARCHITECTURE.md §12.3): signing out ends it at
 * once, and an operator whose token is revoked is sent no further held call, even though the stream was
 * authorized when it opened.
 */
class ApprovalStreamEndTest {

    static ConsoleFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = ConsoleFixture.start("stream-end");
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void signingOutEndsTheOpenStream() throws Exception {
        ConsoleClient c = signedIn(fx.admin);
        LiveStream stream = LiveStream.open(c);

        c.get("/console/approvals");
        assertThat(c.post("/console/logout", form("csrf", c.csrf)).statusCode()).isEqualTo(303);

        stream.awaitEnd();
        assertThat(stream.lines).containsSubsequence("event: ended", "data: console_signed_out");
    }

    @Test
    void aRevokedOperatorIsSentNoHeldCallAndTheStreamEnds() throws Exception {
        LiveStream stream = LiveStream.open(signedIn(fx.approvalsReader("olga")));

        // The revocation is in every member's index once the API answers.
        assertThat(fx.revoke(new JsonObject().put("agent", "olga")).statusCode()).isEqualTo(200);
        CompletableFuture<JsonObject> held = fx.heldWrite(fx.agent, "/notes/public/after-revoke.md", "x");
        String id = fx.awaitPending("notes__write_note").getString("id");
        try {
            // Ended by the revocation itself or, at the latest, by the change the held call causes, which is checked
            // against the token before the list is read: the call is never sent.
            stream.awaitEnd();
            assertThat(stream.lines).containsSubsequence("event: ended", "data: revoked")
                    .noneMatch(l -> l.contains(ApprovalView.elementId(id)));
        } finally {
            fx.gatewayPost("/admin/approvals/" + id + "/deny", fx.admin);
            held.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRevocationEndsTheStreamsItCoversAtOnceNotAtTheNextHeartbeat() throws Exception {
        LiveStream stream = LiveStream.open(signedIn(fx.approvalsReader("petra")));
        LiveStream untouched = LiveStream.open(signedIn(fx.admin));

        assertThat(fx.revoke(new JsonObject().put("agent", "petra")).statusCode()).isEqualTo(200);
        // Well before the first heartbeat (ApprovalStream.HEARTBEAT_MILLIS after the stream opened).
        stream.ended.get(ApprovalStream.HEARTBEAT_MILLIS / 2, TimeUnit.MILLISECONDS);
        assertThat(stream.lines).containsSubsequence("event: ended", "data: revoked");
        // Another operator's stream stays open.
        assertThat(untouched.ended).isNotDone();
        assertThat(untouched.lines).doesNotContain("event: ended");
    }

    private static ConsoleClient signedIn(String token) throws Exception {
        ConsoleClient c = new ConsoleClient(fx.gateway.baseUrl());
        c.signIn(token);
        return c;
    }

    /** An open {@code /console/approvals/events} stream, read line by line on its own thread. */
    private record LiveStream(List<String> lines, CompletableFuture<Void> ended) {

        static LiveStream open(ConsoleClient c) throws Exception {
            HttpClient http = HttpClient.newBuilder().cookieHandler(c.cookies).build();
            HttpResponse<Stream<String>> events = http.sendAsync(
                    HttpRequest.newBuilder(fx.url("/console/approvals/events")).GET().build(),
                    HttpResponse.BodyHandlers.ofLines()).get(10, TimeUnit.SECONDS);
            assertThat(events.statusCode()).isEqualTo(200);
            List<String> lines = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> ended = CompletableFuture.runAsync(() -> events.body().forEach(lines::add));
            // Its first list is out: the sign-in was checked and the watch is (being) set up.
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("event: pending"));
            return new LiveStream(lines, ended);
        }

        /** The server ended the stream (the body is complete). */
        void awaitEnd() throws Exception {
            ended.get(10, TimeUnit.SECONDS);
        }
    }
}
