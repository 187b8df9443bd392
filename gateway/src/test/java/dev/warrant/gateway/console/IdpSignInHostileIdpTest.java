package dev.warrant.gateway.console;

import dev.warrant.gateway.ProcessPorts;
import com.nimbusds.jose.jwk.RSAKey;
import dev.warrant.gateway.identity.IdentitySettings;
import dev.warrant.gateway.identity.IssuerSettings;
import dev.warrant.gateway.identity.TestJwts;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An identity provider that answers badly (an HTTP server on loopback playing one; a certified IdP never would): a
 * token endpoint answering HTML, JSON without a token, a token of another type, a server error, an endless body,
 * or its own refusal. Each is a console page with its code, never a sign-in, a stack trace or the IdP's text. And an
 * IdP that issues a real token but refuses to renew it (the user was disabled): the sign-in ends when the token does.
 */
class IdpSignInHostileIdpTest {

    static Vertx vertx;
    static HttpServer idp;
    static String issuer;
    static ConsoleFixture console;
    /** How the token endpoint answers the next code. */
    static volatile Consumer<HttpServerResponse> token = r -> r.setStatusCode(500).end();
    /** How it answers a refresh: the user has been disabled. */
    static final Consumer<HttpServerResponse> REFRESH = r -> r.setStatusCode(400)
            .putHeader("Content-Type", "application/json").end("{\"error\":\"invalid_grant\"}");
    static final RSAKey KEY = TestJwts.rsa("hostile-1");

    @BeforeAll
    static void start() throws Exception {
        int port = ProcessPorts.freePort();
        issuer = "http://127.0.0.1:" + port;
        vertx = Vertx.vertx();
        idp = vertx.createHttpServer().requestHandler(req -> {
            switch (req.path()) {
                case "/.well-known/openid-configuration" -> req.response().putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("issuer", issuer).put("authorization_endpoint", issuer + "/auth")
                                .put("token_endpoint", issuer + "/token").put("jwks_uri", issuer + "/jwks").encode());
                case "/jwks" -> req.response().putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("keys", new io.vertx.core.json.JsonArray()
                                .add(new JsonObject(KEY.toPublicJWK().toJSONObject()))).encode());
                case "/token" -> req.body().onSuccess(b -> (b.toString().contains("grant_type=refresh_token")
                        ? REFRESH : token).accept(req.response()));
                default -> req.response().setStatusCode(404).end();
            }
        }).listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Path dir = Files.createTempDirectory("warrant-console-hostile-idp");
        Path secret = Files.writeString(dir.resolve("secret"), "s");
        Path mapping = Files.writeString(dir.resolve("identity.datalog"), IdpSignInFixture.MAPPING);
        ConsoleSettings d = ConsoleSettings.defaults();
        console = ConsoleFixture.start("hostile-idp", b -> b
                .identity(new IdentitySettings(IdpSignInFixture.RESOURCE, List.of(IssuerSettings.discovered(issuer)),
                        mapping))
                .console(new ConsoleSettings(true, d.sessionTtl(), d.idleTimeout(), d.traceUrl(), Optional.of(
                        new IdpSignInSettings(issuer, "c", secret,
                                URI.create("http://127.0.0.1:1" + IdpSignInSettings.CALLBACK_PATH), "")))));
    }

    @AfterAll
    static void stop() throws Exception {
        if (console != null) {
            console.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTokenEndpointThatDoesNotSpeakOAuthIsUnavailableNeverASignIn() throws Exception {
        List<Consumer<HttpServerResponse>> answers = List.of(
                r -> r.putHeader("Content-Type", "text/html").end("<html>maintenance</html>"),
                r -> r.putHeader("Content-Type", "application/json").end("{\"token_type\":\"Bearer\"}"),
                r -> r.putHeader("Content-Type", "application/json")
                        .end("{\"access_token\":\"eyJhbGciOiJub25lIn0.e30.\",\"token_type\":\"DPoP\"}"),
                r -> r.putHeader("Content-Type", "application/json").end("[\"access_token\"]"),
                r -> r.setStatusCode(500).end("{\"error\":\"server_error\"}"),
                r -> r.putHeader("Content-Type", "application/json").end("{\"access_token\":\"" + "x".repeat(300_000)
                        + "\",\"token_type\":\"Bearer\"}"));
        for (Consumer<HttpServerResponse> answer : answers) {
            token = answer;
            HttpResponse<String> r = callback();
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).contains("console_idp_unavailable").doesNotContain("maintenance")
                    .doesNotContain("id=\"operator\"").doesNotContain("Exception");
        }
    }

    @Test
    void theIdpsOwnRefusalIsNamedByItsCodeOnly() throws Exception {
        token = r -> r.setStatusCode(401).putHeader("Content-Type", "application/json")
                .end("{\"error\":\"invalid_client\",\"error_description\":\"<b>secret mismatch</b>\"}");
        HttpResponse<String> r = callback();
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("console_idp_refused: the identity provider refused the code: invalid_client")
                .doesNotContain("secret mismatch");
    }

    @Test
    void aRenewalTheIdpRefusesEndsTheSignInAndIsAudited() throws Exception {
        Instant expires = Instant.now().plusSeconds(3);
        JsonObject claims = TestJwts.claims(issuer, IdpSignInFixture.RESOURCE, Instant.now())
                .put("exp", expires.getEpochSecond()).put("scope", "console.read");
        String jwt = TestJwts.sign(TestJwts.header("RS256", KEY.getKeyID()), claims, KEY);
        token = r -> r.putHeader("Content-Type", "application/json").end(new JsonObject().put("access_token", jwt)
                .put("token_type", "Bearer").put("refresh_token", "r-1").encode());
        ConsoleClient c = new ConsoleClient(console.gateway.baseUrl());
        HttpResponse<String> signedIn = callback(c);
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
        assertThat(c.get(ApprovalsPage.PATH).body()).contains("id=\"operator\">alice (" + issuer + ")<");

        // The condition is the clock itself: the token has expired by then (exp is in whole seconds).
        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(expires.plusSeconds(1)));
        HttpResponse<String> after = c.get(ApprovalsPage.PATH);
        assertThat(after.statusCode()).isNotEqualTo(200);
        assertThat(after.body()).doesNotContain("id=\"operator\"");
        // Written before the answer (ConsoleAudit): there now, no wait.
        assertThat(console.auditLines()).anyMatch(l ->
                "console/renew".equals(l.getString("method")) && "deny".equals(l.getString("decision"))
                        && "console_idp_refused".equals(l.getString("reason")));
        // The sign-in is gone, not only refused once.
        assertThat(c.get(ApprovalsPage.PATH).body()).doesNotContain("id=\"operator\"");
    }

    /** A whole flow up to the callback with a code, answered by the token endpoint as set. */
    private static HttpResponse<String> callback() throws Exception {
        return callback(new ConsoleClient(console.gateway.baseUrl()));
    }

    private static HttpResponse<String> callback(ConsoleClient c) throws Exception {
        HttpResponse<String> start = c.get(IdpSignIn.START_PATH);
        assertThat(start.statusCode()).isEqualTo(303);
        String location = start.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(issuer + "/auth?");
        String state = IdpSignInFixture.query(URI.create(location)).get("state");
        return c.get(IdpSignInSettings.CALLBACK_PATH + "?code=c&state=" + state + "&iss="
                + java.net.URLEncoder.encode(issuer, StandardCharsets.UTF_8));
    }
}
