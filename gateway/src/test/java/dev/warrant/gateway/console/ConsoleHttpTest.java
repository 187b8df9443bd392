package dev.warrant.gateway.console;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.HttpCookie;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.warrant.gateway.console.ConsoleClient.form;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console's security over plain HTTP against a real gateway (docs/ARCHITECTURE.md §12.2): sign-in, the
 * cookie's attributes, CSRF and origin checks, rights per page and action, headers, and that no answer echoes a
 * token. The browser tests ({@code ConsoleBrowserTest}) drive the same pages through Chromium.
 */
class ConsoleHttpTest {

    static ConsoleFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = ConsoleFixture.start("http");
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void signInSetsAStrictHttpOnlyCookieAndPagesCarryAStrictCsp() throws Exception {
        ConsoleClient c = new ConsoleClient(fx.gateway.baseUrl());
        HttpResponse<String> login = c.get("/console/login");
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("name=\"token\"");
        assertCsp(login);

        HttpResponse<String> signedIn = c.post("/console/login", form("token", fx.admin, "csrf", c.csrf));
        assertThat(signedIn.statusCode()).isEqualTo(303);
        assertThat(signedIn.headers().firstValue("Location")).hasValue("/console/approvals");
        String setCookie = signedIn.headers().allValues("Set-Cookie").stream()
                .filter(v -> v.startsWith(ConsoleCookies.SESSION + "=")).findFirst().orElseThrow();
        // Attribute names are case-insensitive (Vert.x writes HTTPOnly).
        assertThat(setCookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict")
                .contains("Path=/console");
        assertThat(setCookie).doesNotContain(fx.admin);

        HttpResponse<String> page = c.get("/console/approvals");
        assertThat(page.statusCode()).isEqualTo(200);
        assertCsp(page);
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(page.body()).contains("id=\"operator\">alice<").doesNotContain(fx.admin);
        assertThat(page.body()).doesNotContain("<script>").doesNotContain("style=\"");
    }

    @Test
    void aRefusedSignInNamesItsReasonAndNeverEchoesTheToken() throws Exception {
        ConsoleClient c = new ConsoleClient(fx.gateway.baseUrl());
        c.get("/console/login");
        String garbage = "EoQBCh" + "x".repeat(60);
        HttpResponse<String> bad = c.post("/console/login", form("token", garbage, "csrf", c.csrf));
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.body()).contains("token_malformed").doesNotContain(garbage);

        // A valid token that holds no console right.
        assertThat(c.signIn(fx.agent).statusCode()).isEqualTo(403);

        // The login form's own CSRF value is required (login CSRF).
        c.get("/console/login");
        HttpResponse<String> noCsrf = c.post("/console/login", form("token", fx.admin));
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(noCsrf.body()).contains("csrf_invalid").doesNotContain(fx.admin);
        assertThat(fx.auditLines()).anyMatch(l -> "console/sign-in".equals(l.getString("method"))
                && "deny".equals(l.getString("decision")));
    }

    @Test
    void pagesNeedASignInAndStateChangesNeedTheCsrfTokenAndThisOrigin() throws Exception {
        ConsoleClient anonymous = new ConsoleClient(fx.gateway.baseUrl());
        HttpResponse<String> page = anonymous.get("/console/approvals");
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("Location")).hasValue("/console/login");
        assertThat(anonymous.get("/console/approvals", "HX-Request", "true").statusCode()).isEqualTo(401);

        CompletableFuture<JsonObject> held = fx.heldWrite(fx.agent, "/notes/public/csrf.md", "x");
        String id = fx.awaitPending("notes__write_note").getString("id");
        ConsoleClient c = new ConsoleClient(fx.gateway.baseUrl());
        assertThat(c.signIn(fx.admin).statusCode()).isEqualTo(303);
        c.get("/console/approvals");

        HttpResponse<String> noToken = c.post("/console/approvals/" + id + "/approve", form("reason", "x"));
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.body()).contains("csrf_invalid");
        HttpResponse<String> wrongToken = c.post("/console/approvals/" + id + "/approve", form("csrf", "forged"));
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        HttpResponse<String> crossSite = c.post("/console/approvals/" + id + "/approve", form("csrf", c.csrf),
                "Sec-Fetch-Site", "cross-site");
        assertThat(crossSite.statusCode()).isEqualTo(403);
        // None of those decided anything: the call is still pending.
        assertThat(fx.pending().stream().map(o -> ((JsonObject) o).getString("id"))).contains(id);

        HttpResponse<String> deny = c.post("/console/approvals/" + id + "/deny", form("csrf", c.csrf, "reason", "not today"));
        assertThat(deny.statusCode()).isEqualTo(303);
        JsonObject answer = held.get(30, TimeUnit.SECONDS);
        assertThat(answer.getJsonObject("error").getJsonObject("data").getString("reason")).isEqualTo("approval_denied");
    }

    @Test
    void aViewerSeesHeldCallsWithoutButtonsAndIsRefusedIfItPostsAnyway() throws Exception {
        CompletableFuture<JsonObject> held = fx.heldWrite(fx.agent, "/notes/public/viewer.md", "v");
        String id = fx.awaitPending("notes__write_note").getString("id");
        ConsoleClient viewer = new ConsoleClient(fx.gateway.baseUrl());
        assertThat(viewer.signIn(fx.viewer).statusCode()).isEqualTo(303);
        HttpResponse<String> page = viewer.get("/console/approvals");
        assertThat(page.body()).contains(ApprovalView.elementId(id)).doesNotContain("/approve\"")
                .contains("id=\"read-only\"");
        HttpResponse<String> post = viewer.post("/console/approvals/" + id + "/approve", form("csrf", viewer.csrf));
        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(post.body()).contains("console_right_missing");
        assertThat(fx.pending().stream().map(o -> ((JsonObject) o).getString("id"))).contains(id);

        ConsoleClient admin = new ConsoleClient(fx.gateway.baseUrl());
        admin.signIn(fx.admin);
        admin.get("/console/approvals");
        HttpResponse<String> approve = admin.post("/console/approvals/" + id + "/approve",
                form("csrf", admin.csrf, "reason", "checked"), "HX-Request", "true");
        assertThat(approve.statusCode()).isEqualTo(200);
        assertThat(approve.body()).contains("Approved by alice");
        assertThat(held.get(30, TimeUnit.SECONDS).containsKey("result")).isTrue();
        // Every console answer waits for its audit line (ConsoleAudit): no wait here.
        assertThat(fx.auditLines()).anyMatch(l -> "console/approve".equals(l.getString("method"))
                && id.equals(l.getString("approvalId")) && "alice".equals(l.getString("caller")));
    }

    @Test
    void signOutEndsTheSessionEverywhere() throws Exception {
        ConsoleClient c = new ConsoleClient(fx.gateway.baseUrl());
        c.signIn(fx.admin);
        c.get("/console/approvals");
        List<HttpCookie> kept = c.cookies.getCookieStore().getCookies();
        HttpCookie session = kept.stream().filter(k -> k.getName().equals(ConsoleCookies.SESSION)).findFirst()
                .orElseThrow();
        assertThat(c.post("/console/logout", form("csrf", c.csrf)).statusCode()).isEqualTo(303);
        assertThat(fx.auditLines()).anyMatch(l -> "console/sign-out".equals(l.getString("method"))
                && "alice".equals(l.getString("caller")));

        // The old cookie value, replayed, is signed out: the session is gone server-side, not just in the browser.
        ConsoleClient replay = new ConsoleClient(fx.gateway.baseUrl());
        HttpCookie copy = new HttpCookie(session.getName(), session.getValue());
        copy.setPath("/console");
        copy.setVersion(0);
        replay.cookies.getCookieStore().add(fx.gateway.baseUrl(), copy);
        assertThat(replay.get("/console/approvals").statusCode()).isEqualTo(303);
    }

    @Test
    void badInputGetsAConsolePageWithAReasonNeverAStackTrace() throws Exception {
        ConsoleClient c = new ConsoleClient(fx.gateway.baseUrl());
        c.signIn(fx.admin);
        HttpResponse<String> unknown = c.get("/console/no-such-page");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("console_not_found");
        c.get("/console/approvals");
        HttpResponse<String> huge = c.post("/console/approvals/x/deny", form("csrf", c.csrf, "reason", "r".repeat(70_000)));
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(huge.body()).contains("console_request_invalid").doesNotContain("Exception");
        HttpResponse<String> gone = c.post("/console/approvals/no-such-id/approve", form("csrf", c.csrf));
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.body()).contains("approval_unknown");
    }

    @Test
    void theLiveStreamSendsAHeldCallAsItComesAndDropsItOnceDecided() throws Exception {
        ConsoleClient c = new ConsoleClient(fx.gateway.baseUrl());
        c.signIn(fx.admin);
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().cookieHandler(c.cookies).build();
        CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> stream = http.sendAsync(
                java.net.http.HttpRequest.newBuilder(fx.url("/console/approvals/events")).GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        HttpResponse<java.util.stream.Stream<String>> events = stream.get(10, TimeUnit.SECONDS);
        assertThat(events.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        Thread reader = new Thread(() -> events.body().forEach(lines::add), "console-sse");
        reader.setDaemon(true);
        reader.start();
        try {
            CompletableFuture<JsonObject> held = fx.heldWrite(fx.agent, "/notes/public/live.md", "live");
            String id = fx.awaitPending("notes__write_note").getString("id");
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream()
                    .anyMatch(l -> l.startsWith("data: ") && l.contains(ApprovalView.elementId(id))));
            // The event shows the chain in plain words and the task, never the arguments' text or a token.
            String html = String.join("\n", lines);
            assertThat(html).contains("researcher").contains("delegated by planner").contains("T-7")
                    .doesNotContain(fx.agent).doesNotContain(fx.admin);

            HttpResponse<String> decided = fx.gatewayPost("/admin/approvals/" + id + "/approve", fx.admin);
            assertThat(decided.statusCode()).isEqualTo(200);
            assertThat(held.get(30, TimeUnit.SECONDS).containsKey("result")).isTrue();
            // A "pending" event without the id tells the browser to drop it.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                int last = -1;
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).equals("event: pending")) {
                        last = i;
                    }
                }
                return last >= 0 && last + 1 < lines.size() && !lines.get(last + 1).contains(id)
                        && lines.subList(0, last).stream().anyMatch(l -> l.contains(id));
            });
        } finally {
            stream.cancel(true);
        }
    }

    @Test
    void theAuditPageSearchesWithTheApisFiltersAndNamesABadOne() throws Exception {
        String session = fx.initialize(fx.agent);
        fx.call(fx.agent, session, "notes__read_note", new JsonObject().put("path", "/notes/public/hello.md"));
        ConsoleClient c = new ConsoleClient(fx.gateway.baseUrl());
        c.signIn(fx.admin);
        HttpResponse<String> page = c.get("/console/audit?caller=researcher&tool=notes__read_note");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("planner → researcher").contains("revoke-link").contains("task T-7");
        HttpResponse<String> bad = c.get("/console/audit?from=yesterday");
        assertThat(bad.statusCode()).isEqualTo(200);
        assertThat(bad.body()).contains("audit_query_invalid").doesNotContain("<table");
        HttpResponse<String> forged = c.get("/console/audit?cursor=AAAA");
        assertThat(forged.body()).contains("audit_cursor_invalid");

        ConsoleClient viewer = new ConsoleClient(fx.gateway.baseUrl());
        viewer.signIn(fx.viewer);
        assertThat(viewer.get("/console/audit").statusCode()).isEqualTo(403);
        assertThat(viewer.get("/console/revoke?agent=researcher").statusCode()).isEqualTo(403);
    }

    @Test
    void revokingNeedsTheConfirmationsFormAndOneValidKind() throws Exception {
        ConsoleClient c = new ConsoleClient(fx.gateway.baseUrl());
        c.signIn(fx.admin);
        HttpResponse<String> two = c.get("/console/revoke?agent=a&task=b");
        assertThat(two.statusCode()).isEqualTo(400);
        assertThat(two.body()).contains("invalid_request");
        assertThat(c.get("/console/revoke?revocationId=not-hex").body()).contains("revocationId must be hex");
        HttpResponse<String> confirm = c.get("/console/revoke?agent=nobody-" + java.util.UUID.randomUUID());
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.body()).contains("id=\"stop-sessions\"><strong>0</strong>");
        HttpResponse<String> noCsrf = c.post("/console/revoke", form("agent", "nobody"));
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(fx.gateway.revocations().size()).isZero();
    }

    private static void assertCsp(HttpResponse<String> r) {
        String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("script-src 'self'").contains("default-src 'none'").contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }
}
