package dev.warrant.gateway.identity;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The test identity provider (npm oidc-provider behind {@link IdentityProvider}) does what issue 18's flows rely
 * on: discovery, client credentials JWTs for the RFC 8707 resource, signatures that check out against its JWKS,
 * refusals with OAuth error codes, and key rotation while it runs.
 */
class IdentityProviderTest {

    private static final String RESOURCE = "http://127.0.0.1:9999/mcp";
    private static final String OTHER_RESOURCE = "http://127.0.0.1:9998/mcp";

    @TempDir
    static Path dir;

    static IdentityProvider idp;

    @BeforeAll
    static void start() throws Exception {
        idp = IdentityProvider.start(dir.resolve("shared"), List.of(
                MachineClient.of("agent-1", "secret-1", "notes.read notes.write", RESOURCE)
                        .withClaims(Map.of("groups", List.of("ops", "dev"))),
                MachineClient.of("agent-es", "secret-es", "notes.read", RESOURCE, OTHER_RESOURCE)
                        .signedWith("ES256").withTokenTtl(Duration.ofSeconds(90))));
    }

    @AfterAll
    static void stop() throws Exception {
        if (idp != null) {
            idp.close();
        }
    }

    @Test
    void discoveryNamesTheIssuerItsKeysAndItsTokenEndpoint() throws Exception {
        JsonObject discovery = get(idp.discoveryUri());

        assertThat(discovery.getString("issuer")).isEqualTo(idp.issuer().toString());
        assertThat(idp.issuer().getHost()).isEqualTo("127.0.0.1");
        assertThat(discovery.getString("jwks_uri")).isEqualTo(idp.jwksUri().toString());
        assertThat(discovery.getString("token_endpoint")).isEqualTo(idp.tokenEndpoint().toString());
        assertThat(discovery.getJsonArray("grant_types_supported").getList()).contains("client_credentials");
        assertThat(idp.jwks().getJsonArray("keys")).hasSize(2);
    }

    @Test
    void clientCredentialsGiveAnRs256JwtWhoseAudienceIsTheRequestedResource() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        Jws jwt = Jws.parse(idp.clientCredentials("agent-1", "secret-1", RESOURCE, "notes.read"));

        assertThat(jwt.header().getString("alg")).isEqualTo("RS256");
        assertThat(jwt.header().getString("typ")).isEqualTo("at+jwt");
        assertThat(jwt.kid()).isNotBlank();
        JsonObject claims = jwt.payload();
        assertThat(claims.getString("iss")).isEqualTo(idp.issuer().toString());
        assertThat(claims.getString("aud")).isEqualTo(RESOURCE);
        assertThat(claims.getString("sub")).isEqualTo("agent-1");
        assertThat(claims.getString("client_id")).isEqualTo("agent-1");
        assertThat(claims.getString("scope")).isEqualTo("notes.read");
        assertThat(claims.getString("jti")).isNotBlank();
        assertThat(claims.getJsonArray("groups").getList()).containsExactly("ops", "dev");
        long iat = claims.getLong("iat");
        assertThat(iat).isBetween(before.getEpochSecond(), Instant.now().getEpochSecond() + 1);
        assertThat(claims.getLong("exp") - iat).isEqualTo(300);
    }

    @Test
    void aTokenVerifiesAgainstTheJwksKeyNamedByItsKidAndATamperedOneDoesNot() throws Exception {
        String token = idp.clientCredentials("agent-1", "secret-1", RESOURCE, "notes.write");
        Jws jwt = Jws.parse(token);
        JsonObject key = key(idp.jwks(), jwt.kid());

        assertThat(key.getString("kty")).isEqualTo("RSA");
        assertThat(key.containsKey("d")).as("the JWKS publishes no private part").isFalse();
        assertThat(jwt.verifiesWith(key)).isTrue();

        byte[] flipped = Arrays.copyOf(jwt.signingInput(), jwt.signingInput().length);
        flipped[flipped.length - 1] ^= 1;
        assertThat(new Jws(jwt.header(), jwt.payload(), flipped, jwt.signature()).verifiesWith(key)).isFalse();
    }

    @Test
    void anEs256ClientGetsEs256TokensThatVerify() throws Exception {
        Jws jwt = Jws.parse(idp.clientCredentials("agent-es", "secret-es", OTHER_RESOURCE, "notes.read"));

        assertThat(jwt.header().getString("alg")).isEqualTo("ES256");
        assertThat(jwt.payload().getString("aud")).isEqualTo(OTHER_RESOURCE);
        assertThat(jwt.payload().getLong("exp") - jwt.payload().getLong("iat")).isEqualTo(90);
        assertThat(jwt.verifiesWith(key(idp.jwks(), jwt.kid()))).isTrue();
    }

    @Test
    void withoutAResourceTheAudienceIsTheClientsFirstResource() throws Exception {
        Jws jwt = Jws.parse(idp.clientCredentials("agent-es", "secret-es", null, null));

        assertThat(jwt.payload().getString("aud")).isEqualTo(RESOURCE);
        assertThat(jwt.payload().containsKey("scope")).isFalse();
    }

    @Test
    void aResourceNotAllowedForTheClientIsRefusedAsInvalidTarget() {
        assertThatThrownBy(() -> idp.clientCredentials("agent-1", "secret-1", OTHER_RESOURCE, "notes.read"))
                .isInstanceOfSatisfying(TokenRefused.class, refused -> {
                    assertThat(refused.status()).isEqualTo(400);
                    assertThat(refused.error()).isEqualTo("invalid_target");
                });
    }

    @Test
    void aScopeTheClientDoesNotHaveIsRefusedAsInvalidScope() {
        assertThatThrownBy(() -> idp.clientCredentials("agent-es", "secret-es", RESOURCE, "notes.write"))
                .isInstanceOfSatisfying(TokenRefused.class, refused -> assertThat(refused.error())
                        .isEqualTo("invalid_scope"));
    }

    @Test
    void aWrongSecretIsRefusedAsInvalidClient() {
        assertThatThrownBy(() -> idp.clientCredentials("agent-1", "not-the-secret", RESOURCE, "notes.read"))
                .isInstanceOfSatisfying(TokenRefused.class, refused -> {
                    assertThat(refused.status()).isEqualTo(401);
                    assertThat(refused.error()).isEqualTo("invalid_client");
                });
    }

    @Test
    void rotationSignsWithANewKidKeepsThePreviousKeyPublishedAndRetiresTheOneBefore() throws Exception {
        try (IdentityProvider rotating = IdentityProvider.start(dir.resolve("rotating"),
                List.of(MachineClient.of("agent-1", "secret-1", "notes.read", RESOURCE)))) {
            String first = rotating.clientCredentials("agent-1", "secret-1", RESOURCE, "notes.read");
            String firstKid = Jws.parse(first).kid();

            IdentityProvider.Rotation rotation = rotating.rotateKeys();
            Jws second = Jws.parse(rotating.clientCredentials("agent-1", "secret-1", RESOURCE, "notes.read"));

            assertThat(second.kid()).isNotEqualTo(firstKid).isIn(rotation.signing());
            JsonObject jwks = rotating.jwks();
            assertThat(kids(jwks)).contains(firstKid, second.kid()).hasSize(4);
            assertThat(Jws.parse(first).verifiesWith(key(jwks, firstKid))).as("a token from before still verifies")
                    .isTrue();
            assertThat(second.verifiesWith(key(jwks, second.kid()))).isTrue();

            IdentityProvider.Rotation again = rotating.rotateKeys();
            Jws third = Jws.parse(rotating.clientCredentials("agent-1", "secret-1", RESOURCE, "notes.read"));

            assertThat(third.kid()).isIn(again.signing()).isNotIn(firstKid, second.kid());
            assertThat(kids(rotating.jwks())).contains(second.kid(), third.kid()).doesNotContain(firstKid)
                    .containsExactlyElementsOf(again.published());
        }
    }

    @Test
    void rotationWithoutTheAdminSecretIsRefused() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(idp.issuer().resolve("/test/rotate")).timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer guessed").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(idp.jwks().getJsonArray("keys")).hasSize(2);
    }

    private static JsonObject key(JsonObject jwks, String kid) {
        return jwks.getJsonArray("keys").stream().map(JsonObject.class::cast)
                .filter(k -> kid.equals(k.getString("kid"))).findFirst()
                .orElseThrow(() -> new AssertionError("no key " + kid + " in " + jwks));
    }

    private static List<String> kids(JsonObject jwks) {
        return jwks.getJsonArray("keys").stream().map(JsonObject.class::cast).map(k -> k.getString("kid")).toList();
    }

    private static JsonObject get(URI uri) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return new JsonObject(response.body());
    }
}
