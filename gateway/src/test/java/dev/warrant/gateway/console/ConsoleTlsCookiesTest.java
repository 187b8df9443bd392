package dev.warrant.gateway.console;

import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.tls.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console over TLS: its cookies carry the {@code __Host-} prefix with what the prefix demands (Secure,
 * {@code Path=/}, no Domain), so a browser takes them only from this host over TLS; a cookie under the plain name,
 * as a sibling subdomain or a plain-HTTP answer could plant it, signs nobody in.
 */
class ConsoleTlsCookiesTest {

    @TempDir
    static Path certs;
    static TestPki pki;
    static ConsoleFixture fx;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create("warrant-console-ca");
        TestPki.writePem(pki.server(), certs, "server");
        fx = ConsoleFixture.start("tls", b -> b.tls(new GatewayConfig.Tls(certs.resolve("server.pem"),
                certs.resolve("server.key"), Optional.empty(), GatewayConfig.ClientAuth.NONE)));
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void theSignInCookiesAreHostOnlySecureAndServeTheConsole() throws Exception {
        ConsoleClient c = new ConsoleClient(fx.gateway.baseUrl(), pki.sslContext(null));
        assertThat(fx.gateway.baseUrl().getScheme()).isEqualTo("https");
        HttpResponse<String> form = c.get(LoginPage.PATH);
        assertHostCookie(form.headers().allValues("Set-Cookie"), "__Host-warrant_login=");

        HttpResponse<String> signedIn = c.signIn(fx.admin);
        assertThat(signedIn.statusCode()).isEqualTo(303);
        assertHostCookie(signedIn.headers().allValues("Set-Cookie"), "__Host-warrant_console=");
        assertThat(c.get(ApprovalsPage.PATH).statusCode()).isEqualTo(200);
    }

    @Test
    void aCookieUnderThePlainNameSignsNobodyIn() throws Exception {
        ConsoleClient signedIn = new ConsoleClient(fx.gateway.baseUrl(), pki.sslContext(null));
        assertThat(signedIn.signIn(fx.admin).statusCode()).isEqualTo(303);
        String session = signedIn.cookies.getCookieStore().getCookies().stream()
                .filter(k -> k.getName().equals("__Host-warrant_console")).findFirst().orElseThrow().getValue();

        ConsoleClient planted = new ConsoleClient(fx.gateway.baseUrl(), pki.sslContext(null));
        HttpResponse<String> page = planted.get(ApprovalsPage.PATH, "Cookie", "warrant_console=" + session);
        assertThat(page.statusCode()).isNotEqualTo(200);
        assertThat(page.body()).doesNotContain("id=\"operator\"");
    }

    private static void assertHostCookie(List<String> setCookies, String prefix) {
        String header = setCookies.stream().filter(h -> h.startsWith(prefix)).findFirst().orElseThrow(
                () -> new AssertionError("no " + prefix + " in " + setCookies));
        assertThat(header).contains("; Secure").contains("; Path=/;").containsIgnoringCase("; HttpOnly")
                .doesNotContainIgnoringCase("Domain=");
    }
}
