package dev.warrant.gateway.console;

import dev.warrant.delegation.MintSpec;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

    /**
     * An investigator behind a load balancer reaches one member: the audit search still finds every member's lines,
     * newest first across members, and its pages walk through all of them once.
     */
    @Test
    void anAuditSearchOnAnyMemberFindsEveryMembersLinesInTimeOrderAcrossPages() throws Exception {
        String agent = a.minter.mint(MintSpec.builder("auditee").right("tool", "notes", "read_note")
                .ttl(Duration.ofHours(1)).build());
        String onA = a.initialize(agent);
        String onB = b.initialize(agent);
        JsonObject args = new JsonObject().put("path", "/notes/public/hello.md");
        for (int i = 0; i < 4; i++) {
            // Alternating, so the merged order interleaves the members (B has no upstream: its calls are denied).
            a.call(agent, onA, "notes__read_note", args);
            b.call(agent, onB, "notes__read_note", args);
        }
        List<JsonObject> onEach = new ArrayList<>(search(b, "scope=member&caller=auditee&limit=200").stream()
                .toList());
        onEach.addAll(search(a, "scope=member&caller=auditee&limit=200"));
        assertThat(onEach.stream().map(l -> l.getString("member")).distinct()).hasSize(2);

        // From B, two lines a page: every page but the last takes one line of each member.
        List<JsonObject> walked = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonObject page = new JsonObject(admin(b, "/admin/audit?scope=cluster&caller=auditee&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor)).body());
            assertThat(page.getBoolean("partial")).isFalse();
            // Both members take part until one has shown all its lines.
            assertThat(page.getJsonArray("members")).hasSize(pages == 0 ? 2 : page.getJsonArray("members").size())
                    .isNotEmpty().allMatch(m -> ((JsonObject) m).getBoolean("answered"));
            page.getJsonArray("lines").forEach(l -> walked.add((JsonObject) l));
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null && pages < 50);
        assertThat(walked).extracting(l -> l.getString("member") + "#" + l.getLong("seq"))
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(onEach.stream()
                        .map(l -> l.getString("member") + "#" + l.getLong("seq")).toList());
        for (int i = 1; i < walked.size(); i++) {
            assertThat(Instant.parse(walked.get(i).getString("time")))
                    .isBeforeOrEqualTo(Instant.parse(walked.get(i - 1).getString("time")));
        }

        // The console's audit page, on A, lists B's lines too.
        ConsoleClient console = new ConsoleClient(a.gateway.baseUrl());
        assertThat(console.signIn(a.admin).statusCode()).isEqualTo(303);
        String html = console.get(AuditPage.PATH + "?caller=auditee").body();
        assertThat(html.split("class=\"audit-line\"", -1)).hasSize(onEach.size() + 1);
        assertThat(html).doesNotContain("id=\"audit-unanswered\"");
        // Each row names the member that wrote it: both members appear.
        onEach.stream().map(l -> l.getString("member")).distinct()
                .forEach(m -> assertThat(html).contains("title=\"" + m + "\">member " + m.substring(0, 8) + "<"));

        // A cursor the gateway did not issue is refused by its reason.
        assertThat(admin(b, "/admin/audit?scope=cluster&cursor=bm90LWEtY3Vyc29y").body())
                .contains("audit_cursor_invalid");
        assertThat(admin(b, "/admin/audit?scope=everywhere").body()).contains("audit_query_invalid");
    }

    private static List<JsonObject> search(ConsoleFixture on, String query) throws Exception {
        HttpResponse<String> r = admin(on, "/admin/audit?" + query);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getJsonArray("lines").stream().map(l -> (JsonObject) l).toList();
    }

    private static HttpResponse<String> admin(ConsoleFixture on, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(on.url(path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + on.admin).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
