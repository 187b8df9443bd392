package dev.warrant.gateway.console;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plumbing the console stands on, in a real browser: htmx 4 served from the classpath (as the jar serves
 * it) works under the console's strict Content-Security-Policy, sends a header on every request, and swaps in
 * HTML pushed over SSE without a reload. A Vert.x server on a loopback port stands in for the console.
 */
class BrowserSmokeTest {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'";
    static final String CSRF = "csrf-4f1c";

    @RegisterExtension
    static final BrowserExtension browser = new BrowserExtension();

    static Vertx vertx;
    static HttpServer server;
    static String base;
    static final AtomicReference<String> csrfSeen = new AtomicReference<>();
    static final AtomicReference<String> streamAccept = new AtomicReference<>();
    static final AtomicReference<String> streamCsrf = new AtomicReference<>();
    static final List<HttpServerResponse> streams = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void serve() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            ctx.response().putHeader("Content-Security-Policy", CSP);
            ctx.next();
        });
        router.route("/console/static/*").handler(StaticHandler.create("console/static"));
        // Chromium asks every origin for one; a 404 would be a console error.
        router.get("/favicon.ico").handler(ctx -> ctx.response().setStatusCode(204).end());
        router.get("/click").handler(ctx -> html(ctx.response(), page("""
                <button id="go" hx-post="/clicked" hx-target="#out">Go</button>
                <div id="out">nothing yet</div>""")));
        router.post("/clicked").handler(ctx -> {
            String token = ctx.request().getHeader("X-CSRF-Token");
            csrfSeen.set(token);
            if (!CSRF.equals(token)) {
                ctx.response().setStatusCode(403).end();
                return;
            }
            html(ctx.response(), "<p id=\"swapped\">swapped by the server</p>");
        });
        router.get("/live").handler(ctx -> html(ctx.response(), page("""
                <ul id="held" hx-sse:connect="/events" hx-swap="beforeend"></ul>""")));
        router.get("/events").handler(ctx -> {
            streamAccept.set(ctx.request().getHeader("Accept"));
            streamCsrf.set(ctx.request().getHeader("X-CSRF-Token"));
            HttpServerResponse response = ctx.response().setChunked(true)
                    .putHeader("Content-Type", "text/event-stream")
                    .putHeader("Cache-Control", "no-store");
            response.write(": connected\n\n");
            streams.add(response);
            response.closeHandler(v -> streams.remove(response));
        });
        router.get("/inline").handler(ctx -> html(ctx.response(), page("""
                <p id="inline">an inline script follows</p>
                <script>document.title = 'inline script ran';</script>
                <button id="handler" hx-on:click="document.title = 'hx-on ran'">hx-on</button>""")));
        server = vertx.createHttpServer().requestHandler(router);
        int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
        base = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void htmxFromTheClasspathSwapsServerHtmlUnderTheStrictCspAndSendsTheHeader() {
        assertThat(getClass().getClassLoader().getResource("console/static/htmx.min.js"))
                .as("htmx is copied into the classes by the build (npm ci in console-assets/, then process-resources)")
                .isNotNull();
        browser.browser().open(base + "/click");
        assertThat(browser.browser().driver().executeScript("return window.htmx && htmx.version")).isEqualTo("4.0.1");
        // htmx's indicator styles are a constructed stylesheet, which style-src 'self' allows.
        assertThat(browser.browser().driver().executeScript("return document.adoptedStyleSheets.length")).isEqualTo(1L);

        browser.browser().visible(By.id("go")).click();

        assertThat(browser.browser().visible(By.id("swapped")).getText()).isEqualTo("swapped by the server");
        assertThat(csrfSeen.get()).isEqualTo(CSRF);
        assertThat(browser.browser().cspViolations()).isEmpty();
        assertThat(browser.browser().consoleErrors()).isEmpty();
    }

    @Test
    void anElementPushedOverSseIsSwappedInLiveAndAnOutOfBandPushRemovesOne() {
        streams.clear();
        browser.browser().open(base + "/live");
        browser.browser().driver().executeScript("window.__sameDocument = true;");
        browser.browser().await(d -> !streams.isEmpty());
        assertThat(streamAccept.get()).contains("text/event-stream");
        assertThat(streamCsrf.get()).isEqualTo(CSRF);

        push("<li id=\"held-1\">call 1 held for approval</li>");
        push("<li id=\"held-2\">call 2\nheld for approval</li>");
        browser.browser().visible(By.id("held-2"));
        assertThat(browser.browser().driver().findElement(By.id("held-1")).getText()).isEqualTo("call 1 held for approval");

        push("<li id=\"held-1\" hx-swap-oob=\"delete\"></li>");
        browser.browser().await(ExpectedConditions.numberOfElementsToBe(By.id("held-1"), 0));
        assertThat(browser.browser().driver().findElements(By.cssSelector("#held li"))).hasSize(1);
        assertThat(browser.browser().driver().executeScript("return window.__sameDocument === true")).isEqualTo(true);
        assertThat(browser.browser().cspViolations()).isEmpty();
        assertThat(browser.browser().consoleErrors()).isEmpty();
    }

    @Test
    void anInlineScriptAndAnHxOnHandlerAreBlockedAndReportedSoTheCspCheckCanFail() {
        browser.browser().open(base + "/inline");
        browser.browser().visible(By.id("handler")).click();

        // hx-on compiles its code with new Function: the CSP refuses it as eval.
        List<String> violations = browser.browser().await(d -> {
            List<String> found = browser.browser().cspViolations();
            return found.size() < 2 ? null : found;
        });
        assertThat(violations).anySatisfy(v -> assertThat(v).startsWith("script-src-elem inline"));
        assertThat(violations).anySatisfy(v -> assertThat(v).startsWith("script-src eval"));
        assertThat(browser.browser().driver().getTitle()).isEqualTo("smoke");
    }

    /** One SSE message; each line of the HTML is a {@code data:} line, as the SSE format requires. */
    private static void push(String html) {
        StringBuilder message = new StringBuilder();
        html.lines().forEach(line -> message.append("data: ").append(line).append('\n'));
        message.append('\n');
        streams.forEach(s -> s.write(message.toString()));
    }

    private static String page(String body) {
        return """
                <!doctype html>
                <html><head><meta charset="utf-8"><title>smoke</title>
                <script src="/console/static/htmx.min.js"></script>
                <script src="/console/static/ext/hx-sse.min.js"></script>
                </head>
                <body hx-headers:inherited='{"X-CSRF-Token": "%s"}'>
                %s
                </body></html>
                """.formatted(CSRF, body);
    }

    private static void html(HttpServerResponse response, String body) {
        response.putHeader("Content-Type", "text/html; charset=utf-8").end(body);
    }
}
