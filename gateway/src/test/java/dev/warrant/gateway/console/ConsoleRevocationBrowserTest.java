package dev.warrant.gateway.console;

import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.MintSpec;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Revocation from an audit line, in headless Chromium (issue 19): an investigator finds an agent's call in the
 * audit search, starts a revocation of that agent's delegation block from the line, reads what it would stop (the
 * agent's open session), confirms, and sees every member's confirmation; the agent's session is over.
 */
class ConsoleRevocationBrowserTest {

    @RegisterExtension
    static final BrowserExtension BROWSER = new BrowserExtension();
    static ConsoleFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = ConsoleFixture.start("revoke");
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void aRevocationStartedFromAnAuditLineEndsTheAgentsSession() throws Exception {
        // An agent of its own, so no other test's calls share its block.
        String planner = fx.minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .task("T-9").ttl(Duration.ofHours(1)).build());
        String summarizer = Delegator.attenuate(planner, HopSpec.delegateTo("summarizer").tools("notes", "read_note")
                .build(), Clock.systemUTC());
        String session = fx.initialize(summarizer);
        JsonObject args = new JsonObject().put("path", "/notes/public/hello.md");
        HttpResponse<String> before = fx.call(summarizer, session, "notes__read_note", args);
        assertThat(before.body()).contains("\"result\"");

        Browser b = BROWSER.browser();
        ConsoleBrowserTest.signIn(b, fx, fx.admin);
        b.open(fx.url("/console/audit?caller=summarizer&tool=notes__read_note").toString());
        WebElement line = b.visible(By.cssSelector("#audit-results tr.audit-line"));
        assertThat(line.getText()).contains("planner → summarizer").contains("allow").contains("T-9");
        b.screenshot("audit-search");
        // Block 1 is the planner's delegation to the summarizer: revoking it stops the summarizer, not the planner.
        line.findElement(By.xpath(".//a[contains(@class,'revoke-link') and contains(., 'block 1')]")).click();

        WebElement sessions = b.visible(By.id("stop-sessions"));
        assertThat(sessions.getText()).startsWith("1 ");
        b.screenshot("revoke-confirmation");
        // The confirmation revoked nothing yet.
        assertThat(fx.call(summarizer, session, "notes__read_note", args).body()).contains("\"result\"");

        b.driver().findElement(By.cssSelector("form.revoke input[name=reason]")).sendKeys("summarizer leaked notes");
        b.driver().findElement(By.id("revoke")).click();
        WebElement revoked = b.visible(By.id("revoked"));
        assertThat(revoked.getText()).contains("Confirmed by 1 of 1 member");

        HttpResponse<String> after = fx.call(summarizer, session, "notes__read_note", args);
        assertThat(after.body()).contains("revoked").doesNotContain("\"result\"");
        // The planner's own token still works: only the block and what derives from it are revoked.
        String plannerSession = fx.initialize(planner);
        assertThat(fx.call(planner, plannerSession, "notes__read_note", args).body()).contains("\"result\"");
        assertThat(fx.auditLines()).anyMatch(l ->
                "console/revoke".equals(l.getString("method")) && "alice".equals(l.getString("caller")));
        assertThat(b.cspViolations()).isEmpty();
    }
}
