package dev.warrant.gateway.console;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The approvals page in headless Chromium against a real gateway (issue 19): an approver signs in, an agent's
 * high-risk call appears without a reload, and approving or denying it ends the agent's call; a post without the
 * CSRF token, and a viewer's forged post, are refused. Each test leaves a screenshot in target/screenshots.
 */
class ConsoleBrowserTest {

    @RegisterExtension
    static final BrowserExtension BROWSER = new BrowserExtension();
    static ConsoleFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = ConsoleFixture.start("browser");
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @BeforeEach
    void signedOut() {
        Browser b = BROWSER.browser();
        b.open(fx.url("/console/login").toString());
        b.driver().manage().deleteAllCookies();
    }

    @Test
    void anApproverSeesAHeldCallArriveLiveAndApprovesIt() throws Exception {
        Browser b = BROWSER.browser();
        signIn(b, fx.admin);
        b.visible(By.id("no-approvals"));

        CompletableFuture<JsonObject> held = fx.heldWrite(fx.agent, "/notes/public/browser.md", "from the browser test");
        String id = fx.awaitPending("notes__write_note").getString("id");
        // No reload: the held call arrives over the page's event stream.
        WebElement item = b.visible(By.id(ApprovalView.elementId(id)));
        assertThat(item.getText()).contains("notes__write_note").contains("researcher").contains("delegated by planner")
                .contains("T-7").contains("high").containsPattern("\\d+ min \\d+ s left");
        assertThat(b.driver().findElements(By.id("no-approvals")).get(0).isDisplayed()).isFalse();
        b.screenshot("approvals-page");

        item.findElement(By.cssSelector("form.approve input[name=reason]")).sendKeys("checked the path");
        item.findElement(By.cssSelector("button.approve")).click();
        b.await(ExpectedConditions.textToBePresentInElementLocated(By.id(ApprovalView.elementId(id)), "Approved by alice"));
        JsonObject answer = held.get(30, TimeUnit.SECONDS);
        assertThat(answer.containsKey("result")).as(answer.encode()).isTrue();
        assertThat(b.cspViolations()).isEmpty();
    }

    @Test
    void anApproverDeniesAndTheAgentHearsTheReason() throws Exception {
        Browser b = BROWSER.browser();
        signIn(b, fx.admin);
        CompletableFuture<JsonObject> held = fx.heldWrite(fx.agent, "/notes/public/denied.md", "no");
        String id = fx.awaitPending("notes__write_note").getString("id");
        WebElement item = b.visible(By.id(ApprovalView.elementId(id)));
        item.findElement(By.cssSelector("form.deny input[name=reason]")).sendKeys("outside the change window");
        item.findElement(By.cssSelector("button.deny")).click();
        b.await(ExpectedConditions.textToBePresentInElementLocated(By.id(ApprovalView.elementId(id)), "Denied by alice"));
        JsonObject error = held.get(30, TimeUnit.SECONDS).getJsonObject("error");
        assertThat(error.getJsonObject("data").getString("reason")).isEqualTo("approval_denied");
        assertThat(error.encode()).contains("denied by alice: outside the change window");
    }

    @Test
    void aDecisionWithoutTheCsrfTokenIsRefusedAndDecidesNothing() throws Exception {
        Browser b = BROWSER.browser();
        signIn(b, fx.admin);
        CompletableFuture<JsonObject> held = fx.heldWrite(fx.agent, "/notes/public/csrf.md", "x");
        String id = fx.awaitPending("notes__write_note").getString("id");
        WebElement item = b.visible(By.id(ApprovalView.elementId(id)));
        // What a forged request lacks: the hidden field and the header htmx would add.
        b.driver().executeScript("document.body.removeAttribute('hx-headers:inherited');"
                + "document.querySelectorAll('input[name=csrf]').forEach(i => i.remove());");
        item.findElement(By.cssSelector("button.approve")).click();
        WebElement refusal = b.visible(By.cssSelector("[data-reason=csrf_invalid]"));
        assertThat(refusal.getText()).contains("csrf_invalid");
        b.screenshot("csrf-refused");
        assertThat(fx.pending().stream().map(o -> ((JsonObject) o).getString("id"))).contains(id);
        assertThat(held).isNotDone();
        assertThat(fx.gatewayPost("/admin/approvals/" + id + "/deny", fx.admin).statusCode()).isEqualTo(200);
        held.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aViewerSeesNoApproveButtonAndIsRefusedIfItPostsAnyway() throws Exception {
        Browser b = BROWSER.browser();
        signIn(b, fx.viewer);
        CompletableFuture<JsonObject> held = fx.heldWrite(fx.agent, "/notes/public/viewer.md", "v");
        String id = fx.awaitPending("notes__write_note").getString("id");
        WebElement item = b.visible(By.id(ApprovalView.elementId(id)));
        assertThat(item.findElements(By.cssSelector("button"))).isEmpty();
        b.visible(By.id("read-only"));
        b.screenshot("viewer");

        // The viewer builds the approve form by hand, with its own valid CSRF token.
        b.driver().executeScript("const f = document.createElement('form'); f.method = 'post';"
                + "f.action = '/console/approvals/' + arguments[0] + '/approve';"
                + "const c = document.querySelector('input[name=csrf]').cloneNode(); f.appendChild(c);"
                + "document.body.appendChild(f); f.submit();", id);
        WebElement refusal = b.visible(By.cssSelector("[data-reason=console_right_missing]"));
        assertThat(refusal.getText()).contains("approvals.write");
        assertThat(fx.pending().stream().map(o -> ((JsonObject) o).getString("id"))).contains(id);
        assertThat(fx.gatewayPost("/admin/approvals/" + id + "/deny", fx.admin).statusCode()).isEqualTo(200);
        held.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aRevokedApproversPageLeavesForTheSignInFormInsteadOfShowingTheNextHeldCall() throws Exception {
        String rita = fx.approvalsReader("rita");
        Browser b = BROWSER.browser();
        signIn(b, rita);
        b.visible(By.id("no-approvals"));

        assertThat(fx.revoke(new JsonObject().put("agent", "rita")).statusCode()).isEqualTo(200);
        CompletableFuture<JsonObject> held = fx.heldWrite(fx.agent, "/notes/public/rita.md", "unseen");
        String id = fx.awaitPending("notes__write_note").getString("id");
        try {
            // The stream ends instead of sending the call; the page reloads and the console signs the token out.
            b.await(ExpectedConditions.urlContains("/console/login"));
            assertThat(b.driver().findElements(By.id(ApprovalView.elementId(id)))).isEmpty();
            assertThat(b.cspViolations()).isEmpty();
        } finally {
            fx.gatewayPost("/admin/approvals/" + id + "/deny", fx.admin);
            held.get(30, TimeUnit.SECONDS);
        }
    }

    static void signIn(Browser b, String token) {
        signIn(b, fx, token);
    }

    static void signIn(Browser b, ConsoleFixture fx, String token) {
        b.open(fx.url("/console/login").toString());
        b.visible(By.id("token")).sendKeys(token);
        b.driver().findElement(By.id("sign-in")).click();
        b.visible(By.id("operator"));
    }
}
