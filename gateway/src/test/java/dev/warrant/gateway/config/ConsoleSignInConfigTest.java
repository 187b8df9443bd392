package dev.warrant.gateway.config;

import dev.warrant.gateway.console.IdpSignInSettings;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import static dev.warrant.gateway.config.ConfigLoaderTest.refused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code console.signIn:} the console as a client of the IdP. It must name an issuer whose tokens the gateway
 * accepts, and a callback browsers can reach over TLS; every mistake is one line naming the setting.
 */
class ConsoleSignInConfigTest {

    static final String IDENTITY = IdentityConfigTest.FULL;

    static String signIn(String fields) {
        return IDENTITY + "console:\n  signIn: { " + fields + " }\n";
    }

    static final String OK = "issuer: https://idp.example.org/realms/agents, clientId: warrant-console, "
            + "clientSecretFile: secrets/console.secret, "
            + "redirectUri: https://warrant.example.org/console/login/callback";

    @Test
    void theFullShapeIsRead() {
        IdpSignInSettings s = new ConfigLoader(Map.of()).parse(signIn(OK + ", scope: \"console.read console.approve\""),
                Path.of("/etc/warrant")).console().signIn().orElseThrow();
        assertThat(s).isEqualTo(new IdpSignInSettings("https://idp.example.org/realms/agents", "warrant-console",
                Path.of("/etc/warrant/secrets/console.secret"),
                URI.create("https://warrant.example.org/console/login/callback"), "console.read console.approve"));
    }

    @Test
    void withoutItOperatorsPasteTokens() {
        assertThat(ConfigLoaderTest.parse(IDENTITY).console().signIn()).isEmpty();
    }

    @Test
    void everyFieldButTheScopeIsRequired() {
        for (String field : new String[]{"issuer", "clientId", "clientSecretFile", "redirectUri"}) {
            String without = String.join(", ", java.util.Arrays.stream(OK.split(", "))
                    .filter(f -> !f.startsWith(field + ":")).toList());
            refused(signIn(without), "console.signIn." + field);
        }
        refused(signIn(OK + ", secret: s"), "console.signIn.secret");
    }

    @Test
    void theIssuerMustBeOneWhoseTokensTheGatewayAccepts() {
        refused(signIn(OK.replace("https://idp.example.org/realms/agents", "https://other.example.org")),
                "console.signIn.issuer");
        refused(ConfigLoaderTest.KEYS + "console:\n  signIn: { " + OK + " }\n", "console.signIn.issuer");
    }

    @Test
    void theCallbackIsTheConsolesOverTls() {
        refused(signIn(OK.replace("https://warrant.example.org", "http://warrant.example.org")),
                "console.signIn.redirectUri");
        // A name that merely starts like a loopback address is not one.
        refused(signIn(OK.replace("https://warrant.example.org", "http://127.warrant.example.org")),
                "console.signIn.redirectUri");
        refused(signIn(OK.replace("/console/login/callback", "/callback")), "console.signIn.redirectUri");
        refused(signIn(OK.replace("https://warrant.example.org/console/login/callback",
                "\"https://warrant.example.org/console/login/callback?x=1\"")), "console.signIn.redirectUri");
        refused(signIn(OK.replace("https://warrant.example.org/console/login/callback", "/console/login/callback")),
                "console.signIn.redirectUri");
        refused(signIn(OK.replace("https://warrant.example.org/console/login/callback",
                "\"https://warrant example/console/login/callback\"")), "console.signIn.redirectUri");
        // Plain HTTP for a loopback host only, where tests and the demo run.
        assertThat(ConfigLoaderTest.parse(signIn(OK.replace("https://warrant.example.org", "http://127.0.0.1:8080")))
                .console().signIn()).isPresent();
    }

    @Test
    void theScopeIsSpaceSeparatedScopeTokens() {
        refused(signIn(OK + ", scope: \"console.read\\\\x\""), "console.signIn.scope");
        refused(signIn(OK + ", scope: \"a  b\""), "console.signIn.scope");
    }
}
