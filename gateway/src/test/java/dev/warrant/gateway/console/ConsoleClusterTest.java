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

import static dev.warrant.gateway.console.ConsoleClient.form;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console from any member (docs/ARCHITECTURE.md §12.2, §12.3): a sign-in on one member is good on the other
 * (the session lives in the cluster), a call held on one member appears live in a console open on the other and is
 * released from there, and a sign-out on either ends the session on both.
 */
class ConsoleClusterTest {

    static ConsoleFixture a;
    static ConsoleFixture b;

    @BeforeAll
    static void start() throws Exception {
        List<ConsoleFixture> members = ConsoleFixture.cluster("cluster");
        a = members.get(0);
        b = members.get(1);
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void anyMemberServesTheSignInTheLiveListAndTheDecision() throws Exception {
        ConsoleClient onB = new ConsoleClient(b.gateway.baseUrl());
        assertThat(onB.signIn(b.admin).statusCode()).isEqualTo(303);
        ConsoleClient onA = new ConsoleClient(a.gateway.baseUrl(), onB.cookies);
        assertThat(onA.get("/console/approvals").statusCode()).isEqualTo(200);

        List<String> lines = new CopyOnWriteArrayList<>();
        HttpClient http = HttpClient.newBuilder().cookieHandler(onB.cookies).build();
        CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> stream = http.sendAsync(
                HttpRequest.newBuilder(b.url("/console/approvals/events")).GET().build(), HttpResponse.BodyHandlers.ofLines());
        HttpResponse<java.util.stream.Stream<String>> events = stream.get(10, TimeUnit.SECONDS);
        Thread reader = new Thread(() -> events.body().forEach(lines::add), "console-sse-b");
        reader.setDaemon(true);
        reader.start();
        try {
            // Held on A (the member with the upstream), listed live on B.
            CompletableFuture<JsonObject> held = a.heldWrite(a.agent, "/notes/public/cluster.md", "c");
            String id = a.awaitPending("notes__write_note").getString("id");
            await().atMost(Duration.ofSeconds(15)).until(() -> lines.stream()
                    .anyMatch(l -> l.startsWith("data: ") && l.contains(ApprovalView.elementId(id))));

            onB.get("/console/approvals");
            HttpResponse<String> approve = onB.post("/console/approvals/" + id + "/approve", form("csrf", onB.csrf));
            assertThat(approve.statusCode()).isEqualTo(303);
            assertThat(held.get(30, TimeUnit.SECONDS).containsKey("result")).isTrue();
        } finally {
            stream.cancel(true);
        }

        java.net.HttpCookie session = onB.cookies.getCookieStore().getCookies().stream()
                .filter(k -> k.getName().equals(ConsoleCookies.SESSION)).findFirst().orElseThrow();
        onA.get("/console/approvals");
        assertThat(onA.post("/console/logout", form("csrf", onA.csrf)).statusCode()).isEqualTo(303);
        // A copy of the cookie, replayed on B after the sign-out on A, is signed out: the session is gone everywhere.
        java.net.CookieManager replay = new java.net.CookieManager();
        java.net.HttpCookie copy = new java.net.HttpCookie(session.getName(), session.getValue());
        copy.setPath("/console");
        copy.setVersion(0);
        replay.getCookieStore().add(b.gateway.baseUrl(), copy);
        assertThat(new ConsoleClient(b.gateway.baseUrl(), replay).get("/console/approvals").statusCode()).isEqualTo(303);
    }
}
