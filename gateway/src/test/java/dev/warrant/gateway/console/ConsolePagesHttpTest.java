package dev.warrant.gateway.console;

import biscuit.format.schema.Schema;
import com.google.protobuf.ByteString;
import dev.warrant.delegation.MintSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static dev.warrant.gateway.console.ConsoleClient.form;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The token inspector and the cluster page over plain HTTP against a real gateway with a policy directory
 * (docs/ARCHITECTURE.md §12.4): each needs its own admin right; the inspector explains a token, says why one is
 * not accepted and never writes the pasted token back; bad input shows a reason code; the cluster page shows the
 * member, its upstream and a refused policy change's {@code file:line}.
 */
class ConsolePagesHttpTest {

    static ConsoleFixture fx;
    static Path policies;

    @BeforeAll
    static void start() throws Exception {
        policies = Files.createTempDirectory("warrant-console-policies");
        Files.writeString(policies.resolve("10-guard.datalog"), "deny if request(\"tool\", \"notes\", \"no_such_tool\");\n");
        fx = ConsoleFixture.start("pages", b -> b.policiesDir(policies));
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void aViewerWithoutTheirRightsIsRefusedBothPages() throws Exception {
        ConsoleClient c = signedIn(fx.viewer);
        for (String path : new String[]{"/console/inspect", "/console/cluster"}) {
            HttpResponse<String> r = c.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(403);
            assertThat(r.body()).as(path).contains("console_right_missing");
        }
        c.get("/console/approvals");
        HttpResponse<String> post = c.post("/console/inspect", form("csrf", c.csrf, "token", fx.agent));
        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(post.body()).contains("console_right_missing").doesNotContain(fx.agent);
        // The navigation offers neither page to the viewer.
        assertThat(c.get("/console/approvals").body()).doesNotContain("href=\"/console/inspect\"")
                .doesNotContain("href=\"/console/cluster\"");
    }

    @Test
    void theInspectorExplainsATokenAndNeverWritesItBack() throws Exception {
        ConsoleClient c = signedIn(fx.admin);
        HttpResponse<String> form = c.get("/console/inspect");
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("name=\"token\"").contains("autocomplete=\"off\"");

        HttpResponse<String> answer = c.post("/console/inspect", form("csrf", c.csrf, "token", fx.agent));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("data-verified=\"true\"").contains("researcher")
                .contains("delegated by planner").contains("T-7").contains("id=\"explanation\"")
                .contains("read_note").contains("<textarea id=\"inspect-token\"");
        assertThat(answer.body()).as("the pasted token is not echoed, not even in the form")
                .doesNotContain(fx.agent).contains("></textarea>");

        // With htmx: only the inspector section, still without the token.
        HttpResponse<String> htmx = c.post("/console/inspect", form("csrf", c.csrf, "token", fx.agent),
                "HX-Request", "true");
        assertThat(htmx.statusCode()).isEqualTo(200);
        assertThat(htmx.body()).startsWith("<section id=\"inspector\">").doesNotContain("<html")
                .contains("data-verified=\"true\"").doesNotContain(fx.agent);

        // Audited as an action of the operator's; the token itself is nowhere in the log.
        assertThat(fx.auditLines()).anyMatch(l -> "console/inspect".equals(l.getString("method"))
                && "alice".equals(l.getString("caller")));
        assertThat(Files.readString(fx.stateDir.resolve("audit.log"))).doesNotContain(fx.agent);
    }

    @Test
    void aTamperedTokenIsExplainedAsNotVerifiedWithItsReason() throws Exception {
        String token = fx.minter.mint(MintSpec.builder("planner").right("tool", "notes", "*")
                .ttl(Duration.ofHours(1)).build());
        Schema.Biscuit parsed = Schema.Biscuit.parseFrom(Base64.getUrlDecoder().decode(token));
        byte[] signature = parsed.getAuthority().getSignature().toByteArray();
        signature[5] ^= 0x01;
        String tampered = Base64.getUrlEncoder().encodeToString(parsed.toBuilder()
                .setAuthority(parsed.getAuthority().toBuilder().setSignature(ByteString.copyFrom(signature)))
                .build().toByteArray());

        ConsoleClient c = signedIn(fx.admin);
        c.get("/console/inspect");
        HttpResponse<String> answer = c.post("/console/inspect", form("csrf", c.csrf, "token", tampered));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("data-verified=\"false\"").contains("data-reason=\"signature_invalid\"")
                .contains("planner").doesNotContain(tampered);
    }

    @Test
    void emptyOversizedAndUnreadableInputShowsItsReasonCode() throws Exception {
        ConsoleClient c = signedIn(fx.admin);
        c.get("/console/inspect");
        HttpResponse<String> empty = c.post("/console/inspect", form("csrf", c.csrf, "token", "  "));
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("data-reason=\"console_request_invalid\"").contains("id=\"inspector\"");

        String huge = "A".repeat(30_000);
        HttpResponse<String> tooLarge = c.post("/console/inspect", form("csrf", c.csrf, "token", huge),
                "HX-Request", "true");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.body()).contains("data-reason=\"inspected_token_too_large\"").doesNotContain(huge.substring(0, 100));

        // Over the console's form limit: refused before any page code reads it.
        HttpResponse<String> overLimit = c.post("/console/inspect", form("csrf", c.csrf, "token", "A".repeat(70_000)));
        assertThat(overLimit.statusCode()).isEqualTo(413);
        assertThat(overLimit.body()).contains("console_request_invalid");

        String garbage = "not-a-token-" + "x".repeat(40);
        HttpResponse<String> unreadable = c.post("/console/inspect", form("csrf", c.csrf, "token", garbage));
        assertThat(unreadable.statusCode()).isEqualTo(400);
        assertThat(unreadable.body()).contains("data-reason=\"inspected_token_malformed\"").doesNotContain(garbage)
                .doesNotContain("Exception");

        // Without the CSRF token nothing is inspected.
        HttpResponse<String> forged = c.post("/console/inspect", form("token", fx.agent));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("csrf_invalid").doesNotContain("data-verified");
    }

    @Test
    void theClusterPageShowsTheMemberItsUpstreamAndARefusedPolicyChange() throws Exception {
        ConsoleClient c = signedIn(fx.admin);
        HttpResponse<String> page = c.get("/console/cluster");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("(this one)").contains("data-upstream=\"notes\" data-state=\"connected\"")
                .contains("read_note").contains("10-guard.datalog").contains(policies.toString())
                .contains("id=\"refresh\"").doesNotContain("not-answered");

        Path broken = policies.resolve("20-broken.datalog");
        Files.writeString(broken, "// fine\nallow if this is not datalog;\n");
        try {
            String refreshed = await("the refused change is shown").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> c.get("/console/cluster", "HX-Request", "true").body(),
                            b -> b.contains("id=\"policy-refused\""));
            assertThat(refreshed).startsWith("<section id=\"cluster\">")
                    .contains("<code class=\"location\">20-broken.datalog:2</code>");
        } finally {
            Files.delete(broken);
        }
    }

    private static ConsoleClient signedIn(String token) throws Exception {
        ConsoleClient c = new ConsoleClient(fx.gateway.baseUrl());
        assertThat(c.signIn(token).statusCode()).isEqualTo(303);
        return c;
    }
}
