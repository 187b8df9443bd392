package dev.warrant.gateway.identity;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.jwk.RSAKey;
import dev.warrant.delegation.ClaimMapping;
import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.Identity;
import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import dev.warrant.gateway.auth.Authenticator;
import dev.warrant.gateway.auth.BearerMemo;
import dev.warrant.gateway.auth.VerifiedTokenCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Measurement, not a test (docs/PERFORMANCE.md, "Identity (JWT) tokens"): what a JWT access token costs the
 * gateway on its first use, step by step, against what a cached JWT and a native Biscuit cost per call. The
 * issuer's keys are served by {@link TestIdp} on loopback and fetched once before measuring (the cached-key case
 * every JWT but an issuer's first meets). Every JWT measured is a distinct, freshly signed RS256 token (own
 * {@code sub} and {@code jti}), so no step finds anything cached that a new agent's token would not.
 *
 * <p>Steps of a first use: (a) {@link JwtVerifier#verify} (parse, key lookup, signature on a worker thread,
 * claims); (b) the mapping ({@link ClaimFacts} and {@link ClaimMapping#map}); (c) minting the Biscuit and
 * verifying it, as {@link JwtIdentities} does; (d) {@link JwtIdentities#minted} as a whole. Per call once cached:
 * {@link Authenticator#authenticate} with the JWT, and with a 3-hop delegated Biscuit both from a session's memo
 * and from the shared cache (digest and lookup). Run: {@code java -cp <gateway test classpath>
 * dev.warrant.gateway.identity.IdentityCostMeasurement [jwts]} (default 2000 measured, as many for warm-up).
 */
public final class IdentityCostMeasurement {

    static final String RESOURCE = "https://gateway.example.org/mcp";
    static final String MAPPING = """
            agent($s) <- claim("sub", $s);
            right("tool", "fast", "echo") <- claim("scope", "tools");
            right("tool", "notes", "read_note") <- claim("scope", "notes.read");
            """;
    /** Per-call paths are sub-microsecond to microseconds: many more samples than the first-use steps. */
    private static final int CACHED_CALLS = 200_000;
    private static final int PASSES = 3;

    private interface Step {
        void run(int i) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Clock clock = Clock.systemUTC();
        Vertx vertx = Vertx.vertx();
        Path dir = Files.createTempDirectory("warrant-identity-cost");
        try (TestIdp idp = TestIdp.start(vertx)) {
            RSAKey rsa = TestJwts.rsa("rsa-1");
            idp.publish(List.of(rsa));
            JwtVerifier jwts = new JwtVerifier(vertx, RESOURCE, List.of(new JwksSource(vertx, vertx.createHttpClient(),
                    new IssuerSettings(idp.issuer(), Optional.of(idp.jwksUri()), List.of(JwsAlgorithm.RS256)), clock,
                    TestIdp.PATIENT)), clock, JwtVerifier.Limits.DEFAULTS);
            await(jwts.prefetch());
            MappingFile mapping = new MappingFile(Files.writeString(dir.resolve("identity.datalog"), MAPPING));
            SigningKey identityKey = SigningKey.generate("identity");
            Verifier verifier = new Verifier(KeyRing.of(identityKey.publicKey()), VerifierSettings.defaults(), clock);
            Minter minter = new Minter(identityKey, clock, Duration.ofHours(24));
            System.out.printf("signing %d RS256 JWTs (2048-bit key)...%n", 3 * n);
            List<String> warm = jwts(rsa, idp.issuer(), "warm", 2 * n);
            List<String> fresh = jwts(rsa, idp.issuer(), "agent", n);
            System.out.printf("a JWT is %d characters%n", fresh.get(0).length());
            ClaimMapping rules = mapping.current().mapping();
            JwtIdentities identities = null;
            // Three passes: on a shared host one step's second of samples can meet someone else's burst; a step
            // whose passes disagree was disturbed, and the lowest p50 is the least disturbed estimate.
            for (int pass = 1; pass <= PASSES; pass++) {
                System.out.printf("%nfirst use, pass %d of %d (%d JWTs each, after as many for warm-up):%n", pass,
                        PASSES, n);
                // (a) verification with the key cached; keeps the results for (b) and (c).
                VerifiedJwt[] verified = new VerifiedJwt[n];
                report("(a) JwtVerifier.verify", measure(n, i -> await(jwts.verify(warm.get(i))),
                        i -> verified[i] = await(jwts.verify(fresh.get(i)))));
                report("    of which RS256 signature", measure(n, i -> signature(warm.get(i), rsa),
                        i -> signature(fresh.get(i), rsa)));
                VerifiedJwt[] warmVerified = new VerifiedJwt[n];
                for (int i = 0; i < n; i++) {
                    warmVerified[i] = await(jwts.verify(warm.get(n + i)));
                }
                ClaimMapping.MappedIdentity[] mapped = new ClaimMapping.MappedIdentity[n];
                report("(b) mapping (ClaimFacts + map)", measure(n,
                        i -> rules.map(ClaimFacts.of(warmVerified[i].claims())),
                        i -> mapped[i] = rules.map(ClaimFacts.of(verified[i].claims()))));
                String[] minted = new String[n];
                report("(c) mint", measure(n, i -> mint(minter, rules.map(ClaimFacts.of(warmVerified[i].claims())),
                        warmVerified[i]), i -> minted[i] = mint(minter, mapped[i], verified[i])));
                report("(c) verify the minted token", measure(n,
                        i -> verifier.verify(mint(minter, mapped[i], warmVerified[i])), i -> verifier.verify(minted[i])));
                report("(c) mint + verify", measure(n,
                        i -> verifier.verify(mint(minter, mapped[i], warmVerified[i])),
                        i -> verifier.verify(mint(minter, mapped[i], verified[i]))));
                // (d) a new instance each pass: its cache has seen none of these JWTs.
                JwtIdentities whole = new JwtIdentities(vertx, jwts, mapping, minter, verifier, clock,
                        Duration.ofHours(24));
                report("(d) JwtIdentities.minted, first use", measure(n, i -> await(whole.minted(warm.get(i))),
                        i -> await(whole.minted(fresh.get(i)))));
                identities = whole;
            }

            // Per call, once cached: the gateway's authentication of a request, as Authenticator does it.
            Authenticator auth = new Authenticator(vertx, verifier, new VerifiedTokenCache(100_000,
                    Duration.ofHours(24), clock), token -> false, clock, 64 * 1024, identities);
            String jwtHeader = "Bearer " + fresh.get(0);
            String biscuit = delegated(minter, clock);
            String biscuitHeader = "Bearer " + biscuit;
            BearerMemo memo = new BearerMemo();
            await(auth.authenticate(biscuitHeader, memo));
            System.out.printf("%nper call, cached (%d calls; the 3-hop Biscuit is %d characters):%n", CACHED_CALLS,
                    biscuit.length());
            for (int rep = 0; rep < 2; rep++) {   // the second pass is the one to read: all three warmed up
                report("JWT, cached identity", measure(CACHED_CALLS, i -> now(auth.authenticate(jwtHeader, memo)),
                        i -> now(auth.authenticate(jwtHeader, memo))));
                report("Biscuit, session memo", measure(CACHED_CALLS, i -> now(auth.authenticate(biscuitHeader, memo)),
                        i -> now(auth.authenticate(biscuitHeader, memo))));
                report("Biscuit, digest + cache", measure(CACHED_CALLS, i -> now(auth.authenticate(biscuitHeader, null)),
                        i -> now(auth.authenticate(biscuitHeader, null))));
            }
            mapping.close();
            await(jwts.close());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    /** Realistic access tokens: a distinct subject and jti each, one hour left, two scopes and a client id. */
    private static List<String> jwts(RSAKey key, String issuer, String prefix, int count) {
        Instant now = Instant.now();
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            JsonObject claims = new JsonObject().put("iss", issuer).put("sub", prefix + "-" + i)
                    .put("aud", new JsonArray().add(RESOURCE)).put("iat", now.getEpochSecond())
                    .put("exp", now.plusSeconds(3600).getEpochSecond()).put("jti", prefix + "-jti-" + i)
                    .put("client_id", prefix + "-" + i).put("scope", "tools notes.read");
            out.add(TestJwts.sign(TestJwts.header("RS256", key.getKeyID()), claims, key));
        }
        return out;
    }

    /** What JwtIdentities mints for a mapped JWT (same spec: agent, identity, rights, the JWT's lifetime). */
    private static String mint(Minter minter, ClaimMapping.MappedIdentity mapped, VerifiedJwt jwt) {
        MintSpec.Builder spec = MintSpec.builder(mapped.agent()).identity(new Identity(jwt.issuer(), jwt.subject()))
                .ttl(Duration.between(Instant.now(), jwt.expiresAt()).withNanos(0));
        mapped.rights().forEach(spec::right);
        return minter.mint(spec.build());
    }

    /** The load benchmark's native token: minted for planner, delegated over 3 hops, the last pinning an argument. */
    private static String delegated(Minter minter, Clock clock) throws Exception {
        List<String> agents = List.of("planner", "researcher", "summarizer", "reporter");
        String token = minter.mint(MintSpec.builder(agents.get(0)).task("load-benchmark").ttl(Duration.ofHours(6))
                .right("tool", "fast", "echo").build());
        for (int hop = 1; hop <= 3; hop++) {
            HopSpec.Builder spec = HopSpec.delegateTo(agents.get(hop)).ttl(Duration.ofHours(6).minusMinutes(hop))
                    .tools("fast", "echo");
            if (hop == 3) {
                spec.argEquals("message", "hello");
            }
            token = Delegator.attenuate(token, spec.build(), clock);
        }
        return token;
    }

    private static void signature(String jwt, RSAKey key) throws Exception {
        if (!JWSObject.parse(jwt).verify(SigningKeys.verifier(key))) {
            throw new IllegalStateException("signature did not verify");
        }
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** A cached authentication completes before it returns; anything else would be a different path. */
    private static VerifiedToken now(Future<VerifiedToken> f) {
        if (!f.succeeded()) {
            throw new IllegalStateException("not answered from the cache: " + f.cause());
        }
        return f.result();
    }

    /** Runs warm-up for each index, then times measured for each index; returns the sorted nanoseconds. */
    private static long[] measure(int n, Step warmUp, Step measured) throws Exception {
        for (int i = 0; i < n; i++) {
            warmUp.run(i);
        }
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            measured.run(i);
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static void report(String what, long[] sorted) {
        System.out.printf("%-38s p50 %9.1f us  p99 %9.1f us%n", what, sorted[sorted.length / 2] / 1e3,
                sorted[(int) (sorted.length * 0.99)] / 1e3);
    }
}
