package dev.warrant.gateway.console;

import dev.warrant.gateway.ProcessPorts;
import dev.warrant.gateway.config.ConfigException;
import dev.warrant.gateway.identity.IdentitySettings;
import dev.warrant.gateway.identity.IssuerSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.warrant.gateway.console.IdpSignInFixture.query;
import static dev.warrant.gateway.console.IdpSignInFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The two legs of the sign-in through the identity provider, driven over HTTP against a real OpenID provider:
 * what the first leg asks the IdP for, and every callback that must not sign anybody in.
 */
class IdpSignInHttpTest {

    static IdpSignInFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = IdpSignInFixture.start("idp-http");
    }

    @AfterAll
    static void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void theFirstLegSendsTheBrowserToTheIdpWithStatePkceAndTheResource() throws Exception {
        ConsoleClient c = client();
        HttpResponse<String> r = c.get(IdpSignIn.START_PATH);
        assertThat(r.statusCode()).isEqualTo(303);
        URI location = URI.create(r.headers().firstValue("Location").orElseThrow());
        assertThat(location.getScheme() + "://" + location.getRawAuthority()).isEqualTo(fx.idp.issuer().toString());
        Map<String, String> query = query(location);
        assertThat(query).containsEntry("response_type", "code").containsEntry("client_id", IdpSignInFixture.CLIENT_ID)
                .containsEntry("redirect_uri", fx.callback.toString())
                .containsEntry("scope", "console.read").containsEntry("resource", IdpSignInFixture.RESOURCE)
                .containsEntry("code_challenge_method", "S256");

        String setCookie = r.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith("warrant_idp="))
                .findFirst().orElseThrow();
        assertThat(setCookie).contains("Path=" + IdpSignInSettings.CALLBACK_PATH)
                .containsIgnoringCase("HttpOnly")
                .contains("SameSite=Lax").contains("Max-Age=600");
        String[] kept = HttpCookie.parse(setCookie).get(0).getValue().split("\\.");
        assertThat(kept[0]).isEqualTo(query.get("state")).hasSize(43);
        assertThat(IdpSignIn.challenge(kept[1])).isEqualTo(query.get("code_challenge"));
        // Each start is a fresh flow.
        assertThat(query(URI.create(client().get(IdpSignIn.START_PATH).headers().firstValue("Location")
                .orElseThrow())).get("state")).isNotEqualTo(query.get("state"));
    }

    @Test
    void aCallbackThisBrowserDidNotStartIsRefused() throws Exception {
        HttpResponse<String> none = client().get(callback("code", "c", "state", "s", "iss", issuer()));
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.body()).contains("csrf_invalid: this sign-in was not started here");

        ConsoleClient c = client();
        String state = started(c);
        HttpResponse<String> other = c.get(callback("code", "c", "state", state.substring(1) + "A", "iss", issuer()));
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.body()).contains("csrf_invalid");
        assertThat(fx.console.auditLines()).anyMatch(l -> "console/sign-in".equals(l.getString("method"))
                && "deny".equals(l.getString("decision")) && "csrf_invalid".equals(l.getString("reason")));
    }

    @Test
    void aStateServesOneCallbackOnly() throws Exception {
        ConsoleClient c = client();
        String state = started(c);
        HttpResponse<String> first = c.get(callback("code", "unknown", "state", state, "iss", issuer()));
        assertThat(first.body()).contains("console_idp_refused");
        HttpResponse<String> again = c.get(callback("code", "unknown", "state", state, "iss", issuer()));
        assertThat(again.statusCode()).isEqualTo(403);
        assertThat(again.body()).contains("csrf_invalid");
    }

    @Test
    void anAnswerNamingAnotherIssuerOrNoneIsRefused() throws Exception {
        ConsoleClient c = client();
        HttpResponse<String> mixUp = c.get(callback("code", "c", "state", started(c), "iss", "https://idp.evil.test"));
        assertThat(mixUp.statusCode()).isEqualTo(403);
        assertThat(mixUp.body()).contains("console_idp_refused: the answer names another issuer");

        // This IdP says it always names itself (RFC 9207): an answer without iss did not come from it.
        HttpResponse<String> unnamed = c.get(callback("code", "c", "state", started(c)));
        assertThat(unnamed.statusCode()).isEqualTo(403);
        assertThat(unnamed.body()).contains("console_idp_refused: the answer does not name its issuer");
    }

    @Test
    void aCodeTheIdpDoesNotKnowIsRefusedByTheIdpsErrorCode() throws Exception {
        ConsoleClient c = client();
        HttpResponse<String> r = c.get(callback("code", "not-a-code-it-issued", "state", started(c), "iss", issuer()));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("console_idp_refused: the identity provider refused the code: invalid_grant")
                .doesNotContain("id=\"operator\"");
    }

    @Test
    void anIdpErrorIsShownByItsCodeAndNothingElseItSent() throws Exception {
        ConsoleClient c = client();
        HttpResponse<String> declined = c.get(callback("error", "access_denied", "error_description",
                "<b>the user said no</b>", "state", started(c), "iss", issuer()));
        assertThat(declined.statusCode()).isEqualTo(403);
        assertThat(declined.body()).contains("console_idp_refused: the identity provider answered access_denied")
                .doesNotContain("the user said no");

        HttpResponse<String> odd = c.get(callback("error", "<script>alert(1)</script>", "state", started(c),
                "iss", issuer()));
        assertThat(odd.body()).contains("the identity provider answered an error").doesNotContain("alert(1)");
    }

    @Test
    void aMissingOrOversizedCodeIsARequestError() throws Exception {
        ConsoleClient c = client();
        HttpResponse<String> none = c.get(callback("state", started(c), "iss", issuer()));
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(none.body()).contains("console_request_invalid");
        HttpResponse<String> huge = c.get(callback("code", "c".repeat(5000), "state", started(c), "iss", issuer()));
        assertThat(huge.statusCode()).isEqualTo(400);
    }

    @Test
    void anIdpThatCannotBeReachedIsNamedAsSuch() throws Exception {
        Path dir = Files.createTempDirectory("warrant-console-idp-down");
        Path secret = Files.writeString(dir.resolve("secret"), "s");
        Path mapping = Files.writeString(dir.resolve("identity.datalog"), IdpSignInFixture.MAPPING);
        String down = "http://127.0.0.1:" + ProcessPorts.freePort();
        ConsoleFixture console = ConsoleFixture.start("idp-down", b -> b
                .identity(new IdentitySettings(IdpSignInFixture.RESOURCE, List.of(IssuerSettings.discovered(down)),
                        mapping))
                .console(withSignIn(new IdpSignInSettings(down, "c", secret,
                        URI.create("http://127.0.0.1:1" + IdpSignInSettings.CALLBACK_PATH), ""))));
        try {
            HttpResponse<String> r = new ConsoleClient(console.gateway.baseUrl()).get(IdpSignIn.START_PATH);
            assertThat(r.statusCode()).isEqualTo(502);
            // Where it failed goes to the operator's log, not to the page.
            assertThat(r.body()).containsPattern("id=\"login-error\">console_idp_unavailable: [^<]*try again later<")
                    .doesNotContain("HTTP").doesNotContain("Connection");
        } finally {
            console.close();
        }
    }

    @Test
    void aClientSecretThatCannotBeReadStopsTheStart() throws Exception {
        Path dir = Files.createTempDirectory("warrant-console-no-secret");
        Path mapping = Files.writeString(dir.resolve("identity.datalog"), IdpSignInFixture.MAPPING);
        String issuer = issuer();
        assertThatThrownBy(() -> ConsoleFixture.start("idp-no-secret", b -> b
                .identity(new IdentitySettings(IdpSignInFixture.RESOURCE, List.of(IssuerSettings.discovered(issuer)),
                        mapping))
                .console(withSignIn(new IdpSignInSettings(issuer, "c", dir.resolve("missing.secret"),
                        URI.create("http://127.0.0.1:1" + IdpSignInSettings.CALLBACK_PATH), "")))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("console.signIn.clientSecretFile: cannot read " + dir.resolve("missing.secret")
                        + " (NoSuchFileException)");
    }

    private static ConsoleSettings withSignIn(IdpSignInSettings signIn) {
        ConsoleSettings d = ConsoleSettings.defaults();
        return new ConsoleSettings(true, d.sessionTtl(), d.idleTimeout(), d.traceUrl(), Optional.of(signIn));
    }

    private static ConsoleClient client() {
        return new ConsoleClient(fx.console.gateway.baseUrl());
    }

    private static String issuer() {
        return fx.idp.issuer().toString();
    }

    private static String callback(String... pairs) {
        StringBuilder path = new StringBuilder(IdpSignInSettings.CALLBACK_PATH);
        for (int i = 0; i < pairs.length; i += 2) {
            path.append(i == 0 ? '?' : '&').append(pairs[i]).append('=')
                    .append(java.net.URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return path.toString();
    }
}
