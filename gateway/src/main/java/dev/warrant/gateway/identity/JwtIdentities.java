package dev.warrant.gateway.identity;

import dev.warrant.delegation.ClaimMapping;
import dev.warrant.delegation.Identity;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.TokenException;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.delegation.Verifier;
import dev.warrant.gateway.auth.TokenDigest;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An IdP's JWT access token to the Biscuit Warrant decides with (docs/ARCHITECTURE.md §3.7): the JWT is verified
 * ({@link JwtVerifier}), its claims are mapped by the operator's mapping ({@link MappingFile}), and a token is
 * minted for the mapped agent whose authority records the identity ({@code identity(iss, sub)}), living no longer
 * than the JWT nor {@code tokens.maxTtl}. From then on it is a token like any other: delegation, policy, trace,
 * audit and revocation (also by identity) work unchanged.
 *
 * <p>The result is cached per JWT until it expires or the mapping changes, so a JWT's later uses cost a digest
 * and a lookup, as a native token's do. Concurrency: verification answers on the caller's context; mapping,
 * signing and the check of the minted token run on a worker (a signature is too slow for the event loop).
 */
public final class JwtIdentities {

    /** Cached JWTs; beyond it the expired go first, then the cache starts over (a burst of new JWTs). */
    static final int MAX_CACHED = 100_000;

    /** A minted token: the Biscuit text (token exchange hands it out), what it verified to, and its mapping. */
    public record Minted(String token, VerifiedToken verified, long mappingVersion) {
    }

    private final Vertx vertx;
    private final JwtVerifier jwts;
    private final MappingFile mapping;
    private final Minter minter;
    private final Verifier verifier;
    private final Clock clock;
    private final Duration maxTtl;
    private final Map<TokenDigest, Minted> cache = new ConcurrentHashMap<>();

    public JwtIdentities(Vertx vertx, JwtVerifier jwts, MappingFile mapping, Minter minter, Verifier verifier,
                         Clock clock, Duration maxTtl) {
        this.vertx = vertx;
        this.jwts = jwts;
        this.mapping = mapping;
        this.minter = minter;
        this.verifier = verifier;
        this.clock = clock;
        this.maxTtl = maxTtl;
    }

    /** The version of the identity mapping in force: a token minted under another is not current. */
    public long mappingVersion() {
        return mapping.current().version();
    }

    /** The token the JWT stands for, with its text; fails with an authentication reason (HTTP 401). */
    public Future<Minted> minted(String jwt) {
        TokenDigest digest = TokenDigest.of(jwt);
        Minted cached = cache.get(digest);
        if (cached != null && cached.mappingVersion() == mapping.current().version()
                && clock.instant().isBefore(cached.verified().expiresAt())) {
            return Future.succeededFuture(cached);
        }
        return jwts.verify(jwt).compose(verified -> vertx.executeBlocking(() -> mint(verified), false))
                .onSuccess(minted -> remember(digest, minted));
    }

    /** Maps and mints for a verified JWT (a worker's job: one signature and one verification). */
    private Minted mint(VerifiedJwt jwt) {
        MappingFile.Loaded loaded = mapping.current();
        ClaimMapping.MappedIdentity mapped;
        try {
            mapped = loaded.mapping().map(ClaimFacts.of(jwt.claims()));
        } catch (ClaimMapping.MappingException e) {
            throw WarrantException.of(Reason.IDENTITY_UNMAPPED, e.getMessage());
        }
        Instant now = clock.instant();
        Duration left = Duration.between(now, jwt.expiresAt());
        Duration ttl = (left.compareTo(maxTtl) < 0 ? left : maxTtl).withNanos(0);
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw WarrantException.of(Reason.JWT_EXPIRED, "the token expires within a second");
        }
        Identity identity;
        try {
            identity = new Identity(jwt.issuer(), jwt.subject());
        } catch (IllegalArgumentException e) {
            throw WarrantException.of(Reason.JWT_CLAIMS_INVALID, "sub: " + e.getMessage());
        }
        MintSpec.Builder spec = MintSpec.builder(mapped.agent()).identity(identity).ttl(ttl);
        mapped.rights().forEach(spec::right);
        mapped.task().ifPresent(spec::task);
        String token = minter.mint(spec.build());
        try {
            return new Minted(token, verifier.verify(token), loaded.version());
        } catch (TokenException e) {
            // Our own key and our own token: only a misconfigured key ring gets here.
            throw new IllegalStateException("a token minted for an identity did not verify: " + e.getMessage(), e);
        }
    }

    private void remember(TokenDigest digest, Minted minted) {
        if (cache.size() >= MAX_CACHED) {
            Instant now = clock.instant();
            cache.values().removeIf(m -> !now.isBefore(m.verified().expiresAt()));
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
        }
        cache.put(digest, minted);
    }
}
