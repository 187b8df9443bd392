package dev.warrant.gateway.console;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sign-in through the identity provider, in headless Chromium against a real OpenID provider (npm oidc-provider):
 * the operator leaves the console for the IdP's sign-in and consent pages and comes back signed in as the IdP's
 * user, with the rights the mapping gives that user; a user it gives none, and a user who cancels at the IdP, are
 * turned away with their reason codes.
 */
class IdpSignInBrowserTest {

    @RegisterExtension
    static final BrowserExtension BROWSER = new BrowserExtension();
    static IdpSignInFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = IdpSignInFixture.start("idp-browser");
    }

    @AfterAll
    static void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    /** Each test signs in afresh, at the console and at the IdP: one browser serves the class. */
    @BeforeEach
    void signedOutEverywhere() {
        BROWSER.browser().driver().executeCdpCommand("Network.clearBrowserCookies", Map.of());
    }

    @Test
    void anOperatorSignsInAtTheIdpAndComesBackSignedInAsTheIdpUser() throws Exception {
        Browser b = BROWSER.browser();
        atTheIdp(b, "alice");
        b.visible(By.xpath("//button[contains(., 'Continue')]")).click();

        assertThat(b.visible(By.id("operator")).getText()).isEqualTo(fx.operator("alice"));
        assertThat(b.driver().getCurrentUrl()).isEqualTo(fx.browserUrl(ApprovalsPage.PATH));
        b.screenshot("signed-in-through-the-idp");
        // The mapping gave the approvals pages only.
        assertThat(b.driver().findElements(By.cssSelector("header nav a"))).extracting(e -> e.getText())
                .containsExactly("Approvals");
        assertThat(b.cspViolations()).isEmpty();

        List<JsonObject> lines = fx.console.auditLines();
        assertThat(lines).anyMatch(l -> "console/sign-in".equals(l.getString("method"))
                && "allow".equals(l.getString("decision")) && fx.operator("alice").equals(l.getString("caller"))
                && fx.idp.issuer().toString().equals(l.getString("target")));
        // The access token lives in the cluster's session map only: never in the log.
        assertThat(Files.readString(fx.console.stateDir.resolve("audit.log"))).doesNotContain("eyJ");
    }

    @Test
    void theSignInOutlivesItsAccessTokenRenewedWithTheRefreshToken() throws Exception {
        Browser b = BROWSER.browser();
        aliceSignedIn(b);
        untilATokenIssuedNowHasExpired();
        b.open(fx.browserUrl(ApprovalsPage.PATH));
        assertThat(b.visible(By.id("operator")).getText()).isEqualTo(fx.operator("alice"));
        assertThat(b.driver().getCurrentUrl()).isEqualTo(fx.browserUrl(ApprovalsPage.PATH));
        // Security teams see the renewal, naming the operator and the IdP.
        assertThat(fx.console.auditLines()).anyMatch(l ->
                "console/renew".equals(l.getString("method")) && "allow".equals(l.getString("decision"))
                        && fx.operator("alice").equals(l.getString("caller"))
                        && fx.idp.issuer().toString().equals(l.getString("target")));
    }

    @Test
    void theLiveListOutlivesItsAccessTokenWithoutAReload() throws Exception {
        Browser b = BROWSER.browser();
        aliceSignedIn(b);
        assertThat(b.driver().findElements(By.id("approvals"))).hasSize(1);
        b.driver().executeScript("window.warrantSameLoad = true;");
        untilATokenIssuedNowHasExpired();

        // The stream checks the expired token before reading the list, renews it, and goes on: no reload, no sign-in.
        CompletableFuture<JsonObject> held = fx.console.heldWrite(fx.console.agent, "/notes/public/idp-live.md", "x");
        String id = fx.console.awaitPending("notes__write_note").getString("id");
        try {
            b.visible(By.id(ApprovalView.elementId(id)));
            assertThat(b.driver().executeScript("return window.warrantSameLoad === true;")).isEqualTo(true);
            assertThat(b.cspViolations()).isEmpty();
        } finally {
            fx.console.gatewayPost("/admin/approvals/" + id + "/deny", fx.console.admin);
            held.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aUserTheMappingGivesNoConsoleRightIsTurnedAway() {
        Browser b = BROWSER.browser();
        atTheIdp(b, "mallory");
        b.visible(By.xpath("//button[contains(., 'Continue')]")).click();

        assertThat(b.visible(By.id("login-error")).getText()).startsWith("console_no_rights:");
        assertThat(b.driver().findElements(By.id("operator"))).isEmpty();
    }

    @Test
    void aUserWhoCancelsAtTheIdpIsBackAtTheSignInWithTheReason() {
        Browser b = BROWSER.browser();
        b.open(fx.browserUrl(LoginPage.PATH));
        b.visible(By.id("sign-in-idp")).click();
        b.visible(By.linkText("[ Cancel ]")).click();

        assertThat(b.visible(By.id("login-error")).getText())
                .isEqualTo("console_idp_refused: the identity provider answered access_denied");
        assertThat(b.driver().getCurrentUrl()).startsWith(fx.callback.toString());
    }

    /** From the console's sign-in page to the IdP's, and through it as {@code login} (any password will do). */
    /** Alice, signed in through the IdP and back on the console's first page. */
    private static void aliceSignedIn(Browser b) {
        atTheIdp(b, "alice");
        b.visible(By.xpath("//button[contains(., 'Continue')]")).click();
        assertThat(b.visible(By.id("operator")).getText()).isEqualTo(fx.operator("alice"));
    }

    /** The condition is the clock itself: an access token issued before this call has expired after it. */
    private static void untilATokenIssuedNowHasExpired() {
        Instant expired = Instant.now().plus(IdpSignInFixture.TOKEN_TTL).plusSeconds(1);
        await().atMost(IdpSignInFixture.TOKEN_TTL.plusSeconds(5)).until(() -> Instant.now().isAfter(expired));
    }

    private static void atTheIdp(Browser b, String login) {
        b.open(fx.browserUrl(LoginPage.PATH));
        b.visible(By.id("sign-in-idp")).click();
        b.visible(By.name("login")).sendKeys(login);
        b.driver().findElement(By.name("password")).sendKeys("not checked by this IdP");
        b.driver().findElement(By.cssSelector("button[type=submit]")).click();
    }
}
