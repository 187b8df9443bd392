package dev.warrant.gateway.console;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token inspector and the cluster page in headless Chromium against a real gateway (issue 19): a pasted
 * token's explanation appears in place and the token is not left on the page; the cluster page shows this member
 * and its connected {@code notes} upstream, and refreshes in place. Each test leaves a screenshot in
 * target/screenshots.
 */
class ConsolePagesBrowserTest {

    @RegisterExtension
    static final BrowserExtension BROWSER = new BrowserExtension();
    static ConsoleFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = ConsoleFixture.start("pages-browser");
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @BeforeEach
    void signedIn() {
        Browser b = BROWSER.browser();
        b.open(fx.url("/console/login").toString());
        b.driver().manage().deleteAllCookies();
        b.open(fx.url("/console/login").toString());
        b.visible(By.id("token")).sendKeys(fx.admin);
        b.driver().findElement(By.id("sign-in")).click();
        b.visible(By.id("operator"));
    }

    @Test
    void aPastedTokenIsExplainedInPlaceAndNotLeftOnThePage() {
        Browser b = BROWSER.browser();
        b.driver().findElement(By.linkText("Token inspector")).click();
        b.visible(By.id("inspect-token")).sendKeys(fx.agent);
        b.driver().findElement(By.id("inspect")).click();
        WebElement verdict = b.visible(By.id("verdict"));
        assertThat(verdict.getText()).startsWith("Verified");
        assertThat(b.visible(By.id("explanation")).getText()).contains("researcher").contains("planner");
        assertThat(b.driver().findElement(By.cssSelector("article.inspection")).getText())
                .contains("delegated by planner").contains("T-7");
        // Swapped by htmx (still the inspector's URL), and the form came back empty.
        assertThat(b.driver().getCurrentUrl()).endsWith("/console/inspect");
        assertThat(b.driver().findElement(By.id("inspect-token")).getAttribute("value")).isEmpty();
        assertThat(b.driver().getPageSource()).doesNotContain(fx.agent);
        assertThat(b.cspViolations()).isEmpty();
    }

    @Test
    void theClusterPageShowsThisMemberAndTheConnectedNotesUpstream() {
        Browser b = BROWSER.browser();
        b.driver().findElement(By.linkText("Cluster")).click();
        WebElement member = b.visible(By.cssSelector("article.member"));
        assertThat(member.getText()).contains("(this one)");
        By notes = By.cssSelector("tr.upstream[data-upstream=notes] td.state");
        assertThat(b.visible(notes).getText()).isEqualTo("connected");
        assertThat(b.driver().findElement(By.cssSelector("tr.upstream[data-upstream=notes]")).getText())
                .contains("read_note").contains("stdio");

        // Refresh replaces the section in place: the old element goes stale, a new one shows the same member.
        WebElement section = b.driver().findElement(By.id("cluster"));
        b.driver().findElement(By.id("refresh")).click();
        b.await(ExpectedConditions.stalenessOf(section));
        assertThat(b.visible(notes).getText()).isEqualTo("connected");
        assertThat(b.cspViolations()).isEmpty();
    }
}
