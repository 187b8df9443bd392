package dev.warrant.gateway.identity;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.warrant.gateway.identity.TestJwts.header;
import static dev.warrant.gateway.identity.TestJwts.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The issuer's keys over real HTTP: found by discovery, refreshed when a token names a new kid but at most once
 * per interval however many unknown kids arrive, bounded in time and size, and still serving from the cache when
 * the IdP is down or hangs.
 */
@ExtendWith(VertxExtension.class)
class JwksSourceTest {

    static final String RESOURCE = "https://gateway.example.org/mcp";
    static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    static final RSAKey K1 = TestJwts.rsa("k1");
    static final RSAKey K2 = TestJwts.rsa("k2");
    static final ECKey E1 = TestJwts.ec("e1", Curve.P_256);
    /** 30 s between refreshes as in production; a patient fetch, because the bound is not what most tests test. */
    static final JwksSource.Limits LIMITS = TestIdp.PATIENT;
    /** For the tests of a hung IdP: short, so they are quick; the bound is what they assert. */
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(1);
    static final JwksSource.Limits HUNG_LIMITS = new JwksSource.Limits(FETCH_TIMEOUT, Duration.ofSeconds(30),
            Duration.ofMinutes(10), 256 * 1024, 100);

    Vertx vertx;
    TestIdp idp;
    TestClock clock;
    HttpClient client;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        this.vertx = vertx;
        idp = TestIdp.start(vertx);
        idp.publish(List.of(K1, E1));
        clock = new TestClock(NOW);
        client = vertx.createHttpClient();
    }

    @AfterEach
    void stop() throws Exception {
        idp.close();
    }

    @BeforeAll
    static void warmUp() throws Exception {
        TestIdp.warmUp();
    }

    JwtVerifier verifier(IssuerSettings issuer) {
        return verifier(issuer, LIMITS);
    }

    JwtVerifier verifier(IssuerSettings issuer, JwksSource.Limits limits) {
        return new JwtVerifier(vertx, RESOURCE, List.of(new JwksSource(vertx, client, issuer, clock, limits)), clock,
                JwtVerifier.Limits.DEFAULTS);
    }

    IssuerSettings configured() {
        return new IssuerSettings(idp.issuer(), Optional.of(idp.jwksUri()), List.of(JwsAlgorithm.RS256,
                JwsAlgorithm.ES256));
    }

    JwtVerifier verifier() {
        return verifier(configured());
    }

    String token(RSAKey key) {
        return sign(header("RS256", key.getKeyID()), TestJwts.claims(idp.issuer(), RESOURCE, clock.instant()), key);
    }

    /** Signed by K1 but naming a kid the IdP never published: refused before any signature check. */
    String forged() {
        return sign(header("RS256", "forged-" + UUID.randomUUID()), TestJwts.claims(idp.issuer(), RESOURCE,
                clock.instant()), K1);
    }

    static VerifiedJwt accepted(JwtVerifier v, String token) throws Exception {
        return v.verify(token).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static WarrantException refusal(Future<VerifiedJwt> f) throws Exception {
        try {
            f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(WarrantException.class);
            return (WarrantException) e.getCause();
        }
        throw new AssertionError("accepted");
    }

    static Reason refused(JwtVerifier v, String token) throws Exception {
        return refusal(v.verify(token)).reason();
    }

    @Test
    void keysAreFetchedOnceAndThenServedFromTheCache() throws Exception {
        JwtVerifier v = verifier();
        for (int i = 0; i < 5; i++) {
            assertThat(accepted(v, token(K1)).keyId()).isEqualTo("k1");
        }
        assertThat(idp.jwksRequests()).isEqualTo(1);
    }

    @Test
    void prefetchReadsTheKeysBeforeTheFirstTokenAndRespectsTheInterval() throws Exception {
        JwtVerifier v = verifier();
        v.prefetch().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
        assertThat(idp.jwksRequests()).isEqualTo(1);
        v.prefetch().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
        assertThat(accepted(v, token(K1)).keyId()).isEqualTo("k1");
        assertThat(idp.jwksRequests()).isEqualTo(1);

        idp.stop();
        clock.advance(Duration.ofSeconds(31));
        v.prefetch().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
        assertThat(accepted(v, token(K1)).keyId()).as("a failed prefetch keeps the keys").isEqualTo("k1");
    }

    @Test
    void aRotatedKeyIsFoundByARefreshOnceTheIntervalHasPassed() throws Exception {
        JwtVerifier v = verifier();
        accepted(v, token(K1));
        idp.publish(List.of(K1, K2));

        assertThat(refused(v, token(K2))).as("inside the interval: no refresh").isEqualTo(Reason.JWT_KEY_UNKNOWN);
        assertThat(idp.jwksRequests()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(30));
        assertThat(accepted(v, token(K2)).keyId()).isEqualTo("k2");
        assertThat(accepted(v, token(K1)).keyId()).isEqualTo("k1");
        assertThat(idp.jwksRequests()).isEqualTo(2);
    }

    @Test
    void aFloodOfUnknownKidsCostsTheIdpOneRequestPerInterval() throws Exception {
        JwtVerifier v = verifier();
        accepted(v, token(K1));
        clock.advance(Duration.ofSeconds(31));

        for (int round = 0; round < 3; round++) {
            List<Future<VerifiedJwt>> flood = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                flood.add(v.verify(forged()));
            }
            for (Future<VerifiedJwt> f : flood) {
                assertThat(refusal(f).reason()).isEqualTo(Reason.JWT_KEY_UNKNOWN);
            }
            clock.advance(Duration.ofSeconds(10));
        }
        assertThat(idp.jwksRequests()).as("the first fetch and one refresh in 30 s").isEqualTo(2);

        clock.advance(Duration.ofSeconds(1));
        assertThat(refused(v, forged())).isEqualTo(Reason.JWT_KEY_UNKNOWN);
        assertThat(idp.jwksRequests()).isEqualTo(3);
    }

    @Test
    void whenTheIdpIsDownCachedKeysServeAndAnUnknownKidIsJwksUnavailable() throws Exception {
        JwtVerifier v = verifier();
        accepted(v, token(K1));
        idp.stop();
        clock.advance(Duration.ofSeconds(31));

        WarrantException e = refusal(v.verify(token(K2)));
        assertThat(e.reason()).isEqualTo(Reason.JWKS_UNAVAILABLE);
        assertThat(e.detail()).contains(idp.issuer());
        assertThat(accepted(v, token(K1)).keyId()).as("cached key still serves").isEqualTo("k1");
        assertThat(refused(v, token(K2))).as("inside the interval, the last failure is still the reason")
                .isEqualTo(Reason.JWKS_UNAVAILABLE);

        clock.advance(Duration.ofMinutes(11));
        assertThat(accepted(v, token(K1)).keyId()).as("past maxAge, still served while down").isEqualTo("k1");
    }

    @Test
    void aHungIdpCostsAtMostTheFetchTimeoutAndCachedKeysStillServe() throws Exception {
        JwtVerifier v = verifier(configured(), HUNG_LIMITS);
        accepted(v, token(K1));
        idp.silent();
        clock.advance(Duration.ofSeconds(31));

        long start = System.nanoTime();
        WarrantException e = refusal(v.verify(token(K2)));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(e.reason()).isEqualTo(Reason.JWKS_UNAVAILABLE);
        assertThat(e.detail()).contains("no answer within");
        assertThat(tookMs).as("bounded by the fetch timeout").isLessThan(FETCH_TIMEOUT.toMillis() + 1500);

        start = System.nanoTime();
        assertThat(accepted(v, token(K1)).keyId()).isEqualTo("k1");
        assertThat((System.nanoTime() - start) / 1_000_000).as("a cached key does not wait for the IdP")
                .isLessThan(FETCH_TIMEOUT.toMillis());
    }

    @Test
    void aHungIdpOnTheFirstFetchIsRefusedWithinTheBound() throws Exception {
        idp.silent();
        JwtVerifier v = verifier(IssuerSettings.discovered(idp.issuer()), HUNG_LIMITS);
        long start = System.nanoTime();
        assertThat(refused(v, token(K1))).isEqualTo(Reason.JWKS_UNAVAILABLE);
        assertThat((System.nanoTime() - start) / 1_000_000).as("discovery and JWKS share one deadline")
                .isLessThan(FETCH_TIMEOUT.toMillis() + 1500);
    }

    @Test
    void theJwksIsFoundThroughTheOpenIdDiscoveryDocumentOnce() throws Exception {
        JwtVerifier v = verifier(IssuerSettings.discovered(idp.issuer()));
        accepted(v, token(K1));
        clock.advance(Duration.ofSeconds(31));
        idp.publish(List.of(K1, K2));
        accepted(v, token(K2));

        assertThat(idp.openidRequests()).isEqualTo(1);
        assertThat(idp.jwksRequests()).isEqualTo(2);
        assertThat(idp.oauthRequests()).isZero();
    }

    @Test
    void withoutOpenIdDiscoveryTheOAuthMetadataIsRead() throws Exception {
        idp.openidConfiguration(null);
        idp.oauthMetadata(idp.discovery());
        JwtVerifier v = verifier(IssuerSettings.discovered(idp.issuer()));
        assertThat(accepted(v, token(K1)).keyId()).isEqualTo("k1");
        assertThat(idp.openidRequests()).isEqualTo(1);
        assertThat(idp.oauthRequests()).isEqualTo(1);
    }

    @Test
    void aDiscoveryDocumentForAnotherIssuerOrWithAPlainHttpJwksIsRefused() throws Exception {
        idp.openidConfiguration(new JsonObject().put("issuer", "https://evil.example.org")
                .put("jwks_uri", idp.jwksUri().toString()).encode());
        JwtVerifier v = verifier(IssuerSettings.discovered(idp.issuer()));
        assertThat(refused(v, token(K1))).isEqualTo(Reason.JWKS_UNAVAILABLE);

        idp.openidConfiguration(new JsonObject().put("issuer", idp.issuer())
                .put("jwks_uri", "http://idp.example.org/certs").encode());
        clock.advance(Duration.ofSeconds(31));
        WarrantException e = refusal(v.verify(token(K1)));
        assertThat(e.reason()).isEqualTo(Reason.JWKS_UNAVAILABLE);
        assertThat(e.detail()).contains("https");
        assertThat(idp.jwksRequests()).isZero();
    }

    @Test
    void anOversizedOrOverfullOrBrokenJwksIsRefusedAndTheCachedKeysStay() throws Exception {
        JwtVerifier v = verifier();
        accepted(v, token(K1));

        idp.jwksBody("{\"keys\":[],\"pad\":\"" + "x".repeat(300 * 1024) + "\"}");
        clock.advance(Duration.ofSeconds(31));
        WarrantException big = refusal(v.verify(token(K2)));
        assertThat(big.reason()).isEqualTo(Reason.JWKS_UNAVAILABLE);
        assertThat(big.detail()).contains("larger than");

        idp.chunked(true);
        clock.advance(Duration.ofSeconds(31));
        WarrantException streamed = refusal(v.verify(token(K2)));
        assertThat(streamed.reason()).isEqualTo(Reason.JWKS_UNAVAILABLE);
        assertThat(streamed.detail()).as("no Content-Length: counted while read").contains("larger than");
        idp.chunked(false);

        List<RSAKey> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add(new RSAKey.Builder(K2).keyID("k" + (i + 100)).build());
        }
        idp.publish(many);
        clock.advance(Duration.ofSeconds(31));
        assertThat(refusal(v.verify(token(K2))).detail()).contains("more than 100");

        idp.jwksBody("{\"keys\": \"none\"}");
        clock.advance(Duration.ofSeconds(31));
        assertThat(refused(v, token(K2))).isEqualTo(Reason.JWKS_UNAVAILABLE);

        assertThat(accepted(v, token(K1)).keyId()).isEqualTo("k1");
    }

    @Test
    void aJwksWithAnEntryNimbusCannotReadKeepsItsOtherKeys() throws Exception {
        idp.jwksBody("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"broken\"},{\"kty\":\"XYZ\",\"kid\":\"odd\"},"
                + new JsonObject(K1.toPublicJWK().toJSONObject()).encode() + "]}");
        assertThat(accepted(verifier(), token(K1)).keyId()).isEqualTo("k1");
    }

    @Test
    void aKeyTheIdpWithdrewStopsWorkingOnceTheCacheIsOld() throws Exception {
        JwtVerifier v = verifier();
        accepted(v, token(K1));
        idp.publish(List.of(K2));
        clock.advance(Duration.ofMinutes(10));

        assertThat(accepted(v, token(K1)).keyId()).as("the use that finds the cache old is still served").isEqualTo("k1");
        await().atMost(Duration.ofSeconds(5)).until(() -> idp.jwksRequests() == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> v.verify(token(K1)).toCompletionStage().toCompletableFuture()
                .handle((ok, e) -> e instanceof WarrantException w && w.reason() == Reason.JWT_KEY_UNKNOWN)
                .get(5, TimeUnit.SECONDS));
        assertThat(accepted(v, token(K2)).keyId()).isEqualTo("k2");
    }
}
