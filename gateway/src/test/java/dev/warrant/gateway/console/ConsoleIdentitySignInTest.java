package dev.warrant.gateway.console;

import dev.warrant.gateway.identity.IdentityProvider;
import dev.warrant.gateway.identity.IdentitySettings;
import dev.warrant.gateway.identity.IssuerSettings;
import dev.warrant.gateway.identity.MachineClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sign-in with the IdP (docs/ARCHITECTURE.md §12.2): an operator pastes an access token from a real OpenID provider
 * (npm oidc-provider), the identity mapping derives the console right from a claim, and the console and its audit
 * log name the IdP subject.
 */
class ConsoleIdentitySignInTest {

    static final String RESOURCE = "https://warrant.test/mcp";
    static final String MAPPING = """
            agent($s) <- claim("sub", $s);
            right("admin", "warrant", "approvals.read") <- claim("scope", "console.read");
            """;

    static Path dir;
    static IdentityProvider idp;
    static ConsoleFixture fx;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("warrant-console-idp");
        idp = IdentityProvider.start(dir, List.of(
                MachineClient.of("oncall", "oncall-secret", "console.read", RESOURCE),
                MachineClient.of("bystander", "bystander-secret", "notes.read", RESOURCE)));
        Path mapping = Files.writeString(dir.resolve("identity.datalog"), MAPPING);
        IssuerSettings issuer = new IssuerSettings(idp.issuer().toString(), Optional.empty(), List.of(),
                Duration.ofMinutes(1));
        fx = ConsoleFixture.start("idp", b -> b.identity(new IdentitySettings(RESOURCE, List.of(issuer), mapping)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
        if (idp != null) {
            idp.close();
        }
    }

    @Test
    void anOperatorSignsInWithAnIdpTokenAndIsAuditedAsTheIdpSubject() throws Exception {
        String jwt = idp.clientCredentials("oncall", "oncall-secret", RESOURCE, "console.read");
        ConsoleClient c = new ConsoleClient(fx.gateway.baseUrl());
        HttpResponse<String> signedIn = c.signIn(jwt);
        assertThat(signedIn.statusCode()).isEqualTo(303);
        assertThat(signedIn.headers().firstValue("Location")).hasValue("/console/approvals");

        String operator = "oncall (" + idp.issuer() + ")";
        HttpResponse<String> page = c.get("/console/approvals");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"operator\">" + Html.text(operator) + "<").contains("id=\"no-approvals\"")
                .doesNotContain(jwt);
        // The mapping gave approvals.read only: the other pages stay closed.
        assertThat(c.get("/console/cluster").statusCode()).isEqualTo(403);

        List<JsonObject> lines = fx.auditLines();
        assertThat(lines).anyMatch(l -> "console/sign-in".equals(l.getString("method"))
                && "allow".equals(l.getString("decision")) && operator.equals(l.getString("caller")));
        assertThat(Files.readString(fx.stateDir.resolve("audit.log"))).doesNotContain(jwt);
    }

    @Test
    void anIdpTokenTheMappingGivesNoConsoleRightCannotSignIn() throws Exception {
        String jwt = idp.clientCredentials("bystander", "bystander-secret", RESOURCE, "notes.read");
        ConsoleClient c = new ConsoleClient(fx.gateway.baseUrl());
        HttpResponse<String> refused = c.signIn(jwt);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("console_no_rights").doesNotContain(jwt);
    }
}
