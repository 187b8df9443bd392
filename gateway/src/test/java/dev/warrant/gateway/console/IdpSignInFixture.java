package dev.warrant.gateway.console;

import dev.warrant.gateway.ProcessPorts;
import dev.warrant.gateway.identity.IdentityProvider;
import dev.warrant.gateway.identity.IdentitySettings;
import dev.warrant.gateway.identity.IssuerSettings;
import dev.warrant.gateway.identity.WebClient;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A console whose operators sign in through a real OpenID provider (npm oidc-provider): the console is a web
 * client of it; the mapping gives {@code alice} the approvals pages and {@code mallory} nothing. Browsers reach the
 * console as {@code localhost} and the IdP as {@code 127.0.0.1}: two sites, as in a deployment, so the way back
 * from the IdP is a cross-site navigation (SameSite rules apply).
 */
final class IdpSignInFixture implements AutoCloseable {

    static final String RESOURCE = "https://warrant.test/mcp";
    static final String CLIENT_ID = "warrant-console";
    /** Short, so a test sees a sign-in outlive its first access token (renewed with the refresh token). */
    static final Duration TOKEN_TTL = Duration.ofSeconds(5);
    static final String MAPPING = """
            agent($s) <- claim("sub", $s);
            right("admin", "warrant", "approvals.read") <- claim("sub", "alice"), claim("scope", "console.read");
            """;

    final IdentityProvider idp;
    final ConsoleFixture console;
    /** The console's callback as registered at the IdP. */
    final URI callback;

    private IdpSignInFixture(IdentityProvider idp, ConsoleFixture console, URI callback) {
        this.idp = idp;
        this.console = console;
        this.callback = callback;
    }

    static IdpSignInFixture start(String name) throws Exception {
        Path dir = Files.createTempDirectory("warrant-console-" + name);
        // The redirect URI is registered at the IdP before the gateway starts: the port is chosen here.
        int port = ProcessPorts.freePort();
        URI callback = URI.create("http://localhost:" + port + IdpSignInSettings.CALLBACK_PATH);
        String secret = ConsoleSessions.random();
        IdentityProvider idp = IdentityProvider.start(dir, List.of(),
                List.of(new WebClient(CLIENT_ID, secret, "console.read", RESOURCE, callback, TOKEN_TTL)));
        try {
            Path secretFile = Files.writeString(dir.resolve("console-client.secret"), secret + "\n");
            Path mapping = Files.writeString(dir.resolve("identity.datalog"), MAPPING);
            IssuerSettings issuer = new IssuerSettings(idp.issuer().toString(), Optional.empty(), List.of(),
                    Duration.ofMinutes(1));
            IdpSignInSettings signIn = new IdpSignInSettings(idp.issuer().toString(), CLIENT_ID, secretFile, callback,
                    "console.read");
            ConsoleSettings d = ConsoleSettings.defaults();
            ConsoleFixture console = ConsoleFixture.start(name, b -> b.port(port)
                    .identity(new IdentitySettings(RESOURCE, List.of(issuer), mapping))
                    .console(new ConsoleSettings(true, d.sessionTtl(), d.idleTimeout(), d.traceUrl(),
                            Optional.of(signIn))));
            return new IdpSignInFixture(idp, console, callback);
        } catch (Exception | Error e) {
            idp.close();
            throw e;
        }
    }

    /** {@code path} on the console as a browser reaches it (by the name {@code localhost}). */
    String browserUrl(String path) {
        return callback.resolve(path).toString();
    }

    /** Starts a flow in {@code c}'s cookie jar; returns its state. */
    static String started(ConsoleClient c) throws Exception {
        HttpResponse<String> r = c.get(IdpSignIn.START_PATH);
        assertThat(r.statusCode()).isEqualTo(303);
        return query(URI.create(r.headers().firstValue("Location").orElseThrow())).get("state");
    }

    /** The decoded query parameters of {@code uri} (an authorization request). */
    static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** How the console names an operator signed in through this IdP. */
    String operator(String login) {
        return login + " (" + idp.issuer() + ")";
    }

    @Override
    public void close() throws Exception {
        try {
            console.close();
        } finally {
            idp.close();
        }
    }
}
