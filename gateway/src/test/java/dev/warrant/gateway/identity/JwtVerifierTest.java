package dev.warrant.gateway.identity;

import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.warrant.gateway.identity.TestJwts.claims;
import static dev.warrant.gateway.identity.TestJwts.header;
import static dev.warrant.gateway.identity.TestJwts.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every way a JWT access token can be wrong is refused with its own reason, against a real JWKS served over
 * loopback HTTP; the right ones verify with RSA, RSA-PSS, EC and Ed25519 keys.
 */
@ExtendWith(VertxExtension.class)
class JwtVerifierTest {

    static final String RESOURCE = "https://gateway.example.org/mcp";
    static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    static final RSAKey RSA = TestJwts.rsa("rsa-1");
    static final ECKey EC = TestJwts.ec("ec-1", Curve.P_256);
    static final TestJwts.Ed25519 ED = TestJwts.Ed25519.generate("ed-1");
    static final RSAKey ENC = new RSAKey.Builder(TestJwts.rsa("enc-1")).keyUse(KeyUse.ENCRYPTION).build();
    static final RSAKey WEAK = TestJwts.rsa("weak-1", 1024);

    TestIdp idp;
    TestClock clock;
    HttpClient client;
    JwtVerifier verifier;

    @BeforeAll
    static void warmUp() throws Exception {
        TestIdp.warmUp();   // create() below uses the production 3 s fetch bound
    }

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        idp = TestIdp.start(vertx);
        idp.publish(List.of(RSA, EC, ED.jwk(), ENC, WEAK));
        clock = new TestClock(NOW);
        client = vertx.createHttpClient();
        verifier = verifier(vertx, List.of(JwsAlgorithm.RS256, JwsAlgorithm.ES256, JwsAlgorithm.PS256,
                JwsAlgorithm.EDDSA));
    }

    @AfterEach
    void stop() throws Exception {
        idp.close();
    }

    JwtVerifier verifier(Vertx vertx, List<JwsAlgorithm> algorithms) {
        IssuerSettings issuer = new IssuerSettings(idp.issuer(), Optional.of(idp.jwksUri()), algorithms);
        return new JwtVerifier(vertx, RESOURCE, List.of(new JwksSource(vertx, client, issuer, clock,
                TestIdp.PATIENT)), clock, JwtVerifier.Limits.DEFAULTS);
    }

    JsonObject claims() {
        return TestJwts.claims(idp.issuer(), RESOURCE, NOW);
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    VerifiedJwt accepted(String token) throws Exception {
        return await(verifier.verify(token));
    }

    static WarrantException refusal(JwtVerifier v, String token) throws Exception {
        try {
            await(v.verify(token));
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(WarrantException.class);
            return (WarrantException) e.getCause();
        }
        throw new AssertionError("token was accepted: " + token);
    }

    Reason refused(String token) throws Exception {
        WarrantException e = refusal(verifier, token);
        assertThat(e.reason().isAuthentication()).isTrue();
        return e.reason();
    }

    @Test
    void anRs256TokenFromAConfiguredIssuerVerifiesAndCarriesItsClaims() throws Exception {
        VerifiedJwt jwt = accepted(sign(header("RS256", "rsa-1"), claims(), RSA));

        assertThat(jwt.issuer()).isEqualTo(idp.issuer());
        assertThat(jwt.subject()).isEqualTo("alice");
        assertThat(jwt.expiresAt()).isEqualTo(NOW.plusSeconds(300));
        assertThat(jwt.issuedAt()).contains(NOW);
        assertThat(jwt.notBefore()).isEmpty();
        assertThat(jwt.jwtId()).contains("jti-1");
        assertThat(jwt.keyId()).isEqualTo("rsa-1");
        assertThat(jwt.algorithm()).isEqualTo(JwsAlgorithm.RS256);
        assertThat(jwt.claims()).containsEntry("scope", "notes.read notes.write").containsEntry("sub", "alice");
        assertThatThrownBy(() -> jwt.claims().put("sub", "mallory")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void es256Ps256AndEdDsaTokensVerify() throws Exception {
        assertThat(accepted(sign(header("ES256", "ec-1"), claims(), EC)).algorithm()).isEqualTo(JwsAlgorithm.ES256);
        assertThat(accepted(sign(header("PS256", "rsa-1"), claims(), RSA)).algorithm()).isEqualTo(JwsAlgorithm.PS256);
        assertThat(accepted(sign(header("EdDSA", "ed-1"), claims(), ED)).algorithm()).isEqualTo(JwsAlgorithm.EDDSA);
    }

    @Test
    void nestedClaimsAreKeptDeeplyImmutable() throws Exception {
        JsonObject c = claims().put("realm_access", new JsonObject().put("roles", new JsonArray().add("reader").add("writer")))
                .put("big", 12345678901234L).put("ratio", 0.5).put("flag", true);
        VerifiedJwt jwt = accepted(sign(header("RS256", "rsa-1"), c, RSA));

        @SuppressWarnings("unchecked")
        Map<String, Object> realm = (Map<String, Object>) jwt.claims().get("realm_access");
        assertThat(realm.get("roles")).isEqualTo(List.of("reader", "writer"));
        assertThat(jwt.claims()).containsEntry("big", 12345678901234L).containsEntry("ratio", 0.5).containsEntry("flag", true);
        @SuppressWarnings("unchecked")
        List<Object> roles = (List<Object>) realm.get("roles");
        assertThatThrownBy(() -> roles.add("admin")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void algNoneIsRefusedBeforeAnyKeyIsFetched() throws Exception {
        String unsigned = TestJwts.b64("{\"alg\":\"none\",\"kid\":\"rsa-1\"}") + "." + TestJwts.b64(claims().encode()) + ".";
        assertThat(refused(unsigned)).isEqualTo(Reason.JWT_ALGORITHM_REFUSED);
        String shouting = TestJwts.b64("{\"alg\":\"NONE\",\"kid\":\"rsa-1\"}") + "." + TestJwts.b64(claims().encode()) + ".";
        assertThat(refused(shouting)).isEqualTo(Reason.JWT_ALGORITHM_REFUSED);
        assertThat(idp.jwksRequests()).isZero();
    }

    @Test
    void hs256SignedWithTheRsaPublicKeyAsHmacSecretIsRefusedBeforeAnyKeyIsFetched() throws Exception {
        byte[] publicKeyBytes = RSA.toRSAPublicKey().getEncoded();
        String forged = sign(header("HS256", "rsa-1").encode(), claims().encode(), new MACSigner(publicKeyBytes));
        assertThat(refused(forged)).isEqualTo(Reason.JWT_ALGORITHM_REFUSED);

        String pem = "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(publicKeyBytes)
                + "\n-----END PUBLIC KEY-----\n";
        String forgedPem = sign(header("HS256", "rsa-1").encode(), claims().encode(), new MACSigner(pem.getBytes()));
        assertThat(refused(forgedPem)).isEqualTo(Reason.JWT_ALGORITHM_REFUSED);
        assertThat(idp.jwksRequests()).isZero();
    }

    @Test
    void anAlgorithmNotOnThisIssuersListIsRefused(Vertx vertx) throws Exception {
        JwtVerifier rsaOnly = verifier(vertx, List.of(JwsAlgorithm.RS256));
        assertThat(refusal(rsaOnly, sign(header("ES256", "ec-1"), claims(), EC)).reason())
                .isEqualTo(Reason.JWT_ALGORITHM_REFUSED);
        assertThat(refusal(rsaOnly, sign(header("PS256", "rsa-1"), claims(), RSA)).reason())
                .isEqualTo(Reason.JWT_ALGORITHM_REFUSED);
        assertThat(refusal(verifier, sign(header("RS512", "rsa-1"), claims(), RSA)).reason())
                .as("RS512 is known but not allowed here").isEqualTo(Reason.JWT_ALGORITHM_REFUSED);
        String unknownAlg = TestJwts.b64(header("XS256", "rsa-1").encode()) + "." + TestJwts.b64(claims().encode()) + ".c2ln";
        assertThat(refused(unknownAlg)).isEqualTo(Reason.JWT_ALGORITHM_REFUSED);
    }

    @Test
    void aHeaderAlgorithmThatDoesNotFitTheKeyTypeIsRefused() throws Exception {
        // RS256 signed with the RSA key, but naming the EC key: the EC key cannot check an RSA signature.
        assertThat(refused(sign(header("RS256", "ec-1"), claims(), RSA))).isEqualTo(Reason.JWT_ALGORITHM_REFUSED);
        assertThat(refused(sign(header("ES256", "rsa-1"), claims(), EC))).isEqualTo(Reason.JWT_ALGORITHM_REFUSED);
    }

    @Test
    void anIssuerThatIsNotConfiguredIsRefused() throws Exception {
        assertThat(refused(sign(header("RS256", "rsa-1"), claims().put("iss", "https://evil.example.org"), RSA)))
                .isEqualTo(Reason.JWT_ISSUER_UNKNOWN);
        assertThat(refused(sign(header("RS256", "rsa-1"), claims().put("iss", idp.issuer() + "/"), RSA)))
                .as("exact match only").isEqualTo(Reason.JWT_ISSUER_UNKNOWN);
        JsonObject noIss = claims();
        noIss.remove("iss");
        assertThat(refused(sign(header("RS256", "rsa-1"), noIss, RSA))).isEqualTo(Reason.JWT_ISSUER_UNKNOWN);
    }

    @Test
    void theAudienceMustNameThisResource() throws Exception {
        assertThat(refused(sign(header("RS256", "rsa-1"), claims().put("aud", "https://other.example.org/mcp"), RSA)))
                .isEqualTo(Reason.JWT_AUDIENCE_MISMATCH);
        assertThat(refused(sign(header("RS256", "rsa-1"), claims().put("aud", new JsonArray().add("account")), RSA)))
                .isEqualTo(Reason.JWT_AUDIENCE_MISMATCH);
        JsonObject noAud = claims();
        noAud.remove("aud");
        assertThat(refused(sign(header("RS256", "rsa-1"), noAud, RSA))).isEqualTo(Reason.JWT_AUDIENCE_MISMATCH);
        assertThat(refused(sign(header("RS256", "rsa-1"), claims().put("aud", 7), RSA))).isEqualTo(Reason.JWT_CLAIMS_INVALID);
    }

    @Test
    void anAudienceArrayContainingTheResourceIsAccepted() throws Exception {
        JsonObject c = claims().put("aud", new JsonArray().add("account").add(RESOURCE));
        assertThat(accepted(sign(header("RS256", "rsa-1"), c, RSA)).subject()).isEqualTo("alice");
    }

    @Test
    void anExpiredTokenIsRefusedButTheClockSkewIsAllowed() throws Exception {
        String token = sign(header("RS256", "rsa-1"), claims(), RSA);
        clock.advance(java.time.Duration.ofSeconds(300 + 59));
        assertThat(accepted(token).subject()).as("within 60 s of skew").isEqualTo("alice");
        clock.advance(java.time.Duration.ofSeconds(1));
        assertThat(refused(token)).isEqualTo(Reason.JWT_EXPIRED);
    }

    @Test
    void aTokenNotYetValidIsRefused() throws Exception {
        assertThat(refused(sign(header("RS256", "rsa-1"), claims().put("nbf", NOW.plusSeconds(61).getEpochSecond()), RSA)))
                .isEqualTo(Reason.JWT_NOT_YET_VALID);
        assertThat(refused(sign(header("RS256", "rsa-1"), claims().put("iat", NOW.plusSeconds(3600).getEpochSecond()), RSA)))
                .isEqualTo(Reason.JWT_NOT_YET_VALID);
        assertThat(accepted(sign(header("RS256", "rsa-1"), claims().put("nbf", NOW.plusSeconds(30).getEpochSecond()), RSA))
                .notBefore()).as("within skew").contains(NOW.plusSeconds(30));
    }

    @Test
    void subjectAndExpiryAreRequiredAndRegisteredClaimsMustHaveTheirTypes() throws Exception {
        JsonObject noSub = claims();
        noSub.remove("sub");
        assertThat(refused(sign(header("RS256", "rsa-1"), noSub, RSA))).isEqualTo(Reason.JWT_CLAIMS_INVALID);
        assertThat(refused(sign(header("RS256", "rsa-1"), claims().put("sub", ""), RSA))).isEqualTo(Reason.JWT_CLAIMS_INVALID);
        assertThat(refused(sign(header("RS256", "rsa-1"), claims().put("sub", 42), RSA))).isEqualTo(Reason.JWT_CLAIMS_INVALID);
        JsonObject noExp = claims();
        noExp.remove("exp");
        assertThat(refused(sign(header("RS256", "rsa-1"), noExp, RSA))).isEqualTo(Reason.JWT_CLAIMS_INVALID);
        assertThat(refused(sign(header("RS256", "rsa-1"), claims().put("exp", "tomorrow"), RSA))).isEqualTo(Reason.JWT_CLAIMS_INVALID);
        assertThat(refused(sign(header("RS256", "rsa-1"), claims().put("exp", 1e300), RSA))).isEqualTo(Reason.JWT_CLAIMS_INVALID);
    }

    @Test
    void aChangedPayloadOrAnotherKeysSignatureIsRefused() throws Exception {
        String token = sign(header("RS256", "rsa-1"), claims(), RSA);
        String[] parts = token.split("\\.");
        String swapped = parts[0] + "." + TestJwts.b64(claims().put("sub", "admin").encode()) + "." + parts[2];
        assertThat(refused(swapped)).isEqualTo(Reason.JWT_SIGNATURE_INVALID);

        RSAKey impostor = new RSAKey.Builder(TestJwts.rsa("rsa-1")).build();
        assertThat(refused(sign(header("RS256", "rsa-1"), claims(), impostor))).isEqualTo(Reason.JWT_SIGNATURE_INVALID);
        assertThat(refused(parts[0] + "." + parts[1] + ".")).isEqualTo(Reason.JWT_SIGNATURE_INVALID);
    }

    @Test
    void aKidTheIssuerDoesNotPublishIsUnknown() throws Exception {
        assertThat(refused(sign(header("RS256", "rsa-9"), claims(), TestJwts.rsa("rsa-9")))).isEqualTo(Reason.JWT_KEY_UNKNOWN);
        assertThat(refused(sign(header("RS256", null), claims(), RSA))).as("no kid").isEqualTo(Reason.JWT_KEY_UNKNOWN);
    }

    @Test
    void aCraftedKidOrAlgReachesTheDetailShortAndPrintable() throws Exception {
        String kid = "k\n2026-12-04 forged audit line\u0000" + "x".repeat(500);
        WarrantException e = refusal(verifier, sign(header("RS256", kid), claims(), RSA));
        assertThat(e.reason()).isEqualTo(Reason.JWT_KEY_UNKNOWN);
        assertThat(e.detail()).doesNotContain("\n").doesNotContain("\u0000").hasSizeLessThan(200);

        String alg = TestJwts.b64(header("RS256\r\n" + "y".repeat(300), "rsa-1").encode()) + "."
                + TestJwts.b64(claims().encode()) + ".c2ln";
        WarrantException a = refusal(verifier, alg);
        assertThat(a.reason()).isEqualTo(Reason.JWT_ALGORITHM_REFUSED);
        assertThat(a.detail()).doesNotContain("\r").hasSizeLessThan(120);
    }

    @Test
    void anEncryptionKeyAndAWeakRsaKeyNeverVerify() throws Exception {
        WarrantException enc = refusal(verifier, sign(header("RS256", "enc-1"), claims(), ENC));
        assertThat(enc.reason()).isEqualTo(Reason.JWT_KEY_UNKNOWN);
        assertThat(enc.detail()).contains("not a signature key");
        WarrantException weak = refusal(verifier, sign(header("RS256", "weak-1"), claims(), WEAK));
        assertThat(weak.reason()).isEqualTo(Reason.JWT_KEY_UNKNOWN);
        assertThat(weak.detail()).contains("2048");
    }

    @Test
    void anOversizedTokenIsRefusedWithoutFetchingKeys() throws Exception {
        JsonObject big = claims().put("padding", "x".repeat(17 * 1024));
        assertThat(refused(sign(header("RS256", "rsa-1"), big, RSA))).isEqualTo(Reason.JWT_TOO_LARGE);
        JsonArray many = new JsonArray();
        for (int i = 0; i < 1001; i++) {
            many.add(0);
        }
        assertThat(refused(sign(header("RS256", "rsa-1"), claims().put("groups", many), RSA))).isEqualTo(Reason.JWT_TOO_LARGE);
        assertThat(idp.jwksRequests()).isZero();
    }

    @Test
    void deeplyNestedClaimsAreRefused() throws Exception {
        String nested = "[".repeat(12) + "]".repeat(12);
        String payload = claims().encode().replaceFirst("\\{", "{\"deep\":" + nested + ",");
        String token = TestJwts.sign(header("RS256", "rsa-1").encode(), payload, new RSASSASigner(RSA));
        assertThat(refused(token)).isEqualTo(Reason.JWT_CLAIMS_INVALID);
    }

    @Test
    void malformedTokensAreRefusedAsMalformed() throws Exception {
        String token = sign(header("RS256", "rsa-1"), claims(), RSA);
        String[] parts = token.split("\\.");
        assertThat(refused("not-a-jwt")).isEqualTo(Reason.JWT_MALFORMED);
        assertThat(refused(parts[0] + "." + parts[1])).isEqualTo(Reason.JWT_MALFORMED);
        assertThat(refused(token + ".x.y")).as("a JWE's five parts").isEqualTo(Reason.JWT_MALFORMED);
        assertThat(refused(TestJwts.b64("{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\"}") + ".a.b.c.d")).isEqualTo(Reason.JWT_MALFORMED);
        assertThat(refused("e30+." + parts[1] + "." + parts[2])).as("not base64url").isEqualTo(Reason.JWT_MALFORMED);
        assertThat(refused(TestJwts.b64("not json") + "." + parts[1] + "." + parts[2])).isEqualTo(Reason.JWT_MALFORMED);
        assertThat(refused(TestJwts.b64("{\"kid\":\"rsa-1\"}") + "." + parts[1] + "." + parts[2])).as("no alg")
                .isEqualTo(Reason.JWT_MALFORMED);
        JsonObject crit = header("RS256", "rsa-1").put("crit", new JsonArray().add("exp")).put("exp", 1);
        assertThat(refused(sign(crit, claims(), RSA))).isEqualTo(Reason.JWT_MALFORMED);
        String twoIssuers = "{\"iss\":\"" + idp.issuer() + "\",\"iss\":\"https://evil.example.org\"}";
        assertThat(refused(TestJwts.sign(header("RS256", "rsa-1").encode(), twoIssuers, new RSASSASigner(RSA))))
                .as("a duplicate member").isEqualTo(Reason.JWT_MALFORMED);
    }

    @Test
    void embeddedKeysInTheHeaderAreIgnored() throws Exception {
        RSAKey attacker = TestJwts.rsa("rsa-1");
        JsonObject h = header("RS256", "rsa-1").put("jwk", new JsonObject(attacker.toPublicJWK().toJSONObject()))
                .put("jku", "http://127.0.0.1:1/evil");
        assertThat(refused(sign(h, claims(), attacker))).isEqualTo(Reason.JWT_SIGNATURE_INVALID);
    }

    @Test
    void eachIssuersTokensAreCheckedWithThatIssuersKeysOnly(Vertx vertx) throws Exception {
        try (TestIdp other = TestIdp.start(vertx)) {
            RSAKey otherKey = TestJwts.rsa("other-1");
            other.publish(List.of(otherKey));
            IssuerSettings first = new IssuerSettings(idp.issuer(), Optional.of(idp.jwksUri()), JwsAlgorithm.DEFAULTS);
            IssuerSettings second = new IssuerSettings(other.issuer(), Optional.of(other.jwksUri()), JwsAlgorithm.DEFAULTS);
            // Both IdPs listen on 127.0.0.1 with the same realm path: only the port tells them apart.
            JwtVerifier both = new JwtVerifier(vertx, RESOURCE, List.of(
                    new JwksSource(vertx, client, first, clock, TestIdp.PATIENT),
                    new JwksSource(vertx, client, second, clock, TestIdp.PATIENT)), clock, JwtVerifier.Limits.DEFAULTS);

            JsonObject fromOther = TestJwts.claims(other.issuer(), RESOURCE, NOW);
            assertThat(await(both.verify(sign(header("RS256", "other-1"), fromOther, otherKey))).issuer())
                    .isEqualTo(other.issuer());
            assertThat(refusal(both, sign(header("RS256", "other-1"), claims(), otherKey)).reason())
                    .as("claims the first issuer, signed with the second's key").isEqualTo(Reason.JWT_KEY_UNKNOWN);
            assertThat(other.jwksRequests()).isEqualTo(1);
        }
    }

    @Test
    void theVerifierBuiltFromSettingsFindsKeysByDiscoveryAndClosesItsClient(Vertx vertx) throws Exception {
        IdentitySettings settings = new IdentitySettings(RESOURCE, List.of(IssuerSettings.discovered(idp.issuer())),
                java.nio.file.Path.of("identity.datalog"));
        JwtVerifier built = JwtVerifier.create(vertx, settings, clock);
        assertThat(built.resource()).isEqualTo(RESOURCE);
        assertThat(built.issuers()).extracting(IssuerSettings::issuer).containsExactly(idp.issuer());
        await(built.prefetch());
        assertThat(idp.openidRequests()).isEqualTo(1);
        assertThat(await(built.verify(sign(header("ES256", "ec-1"), claims(), EC))).keyId()).isEqualTo("ec-1");
        assertThat(idp.jwksRequests()).isEqualTo(1);
        await(built.close());
    }

    @Test
    void theAnswerArrivesOnTheCallersEventLoop(Vertx vertx) throws Exception {
        String token = sign(header("RS256", "rsa-1"), claims(), RSA);
        java.util.concurrent.CompletableFuture<Thread> where = new java.util.concurrent.CompletableFuture<>();
        io.vertx.core.Context context = vertx.getOrCreateContext();
        java.util.concurrent.CompletableFuture<Thread> caller = new java.util.concurrent.CompletableFuture<>();
        context.runOnContext(v -> {
            caller.complete(Thread.currentThread());
            verifier.verify(token).onComplete(ar -> where.complete(Thread.currentThread()));
        });
        assertThat(where.get(10, TimeUnit.SECONDS)).isSameAs(caller.get(10, TimeUnit.SECONDS));
    }
}
