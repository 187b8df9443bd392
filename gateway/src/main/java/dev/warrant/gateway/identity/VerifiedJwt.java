package dev.warrant.gateway.identity;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A JWT access token whose signature, issuer, audience, algorithm and dates {@link JwtVerifier} checked; it is
 * the only class that creates one (package-private constructor), so holding one means those checks passed.
 *
 * <p>{@link #claims()} is the whole payload, deeply immutable: JSON objects are {@code Map<String, Object>},
 * arrays {@code List<Object>}, numbers {@code Long}, {@code BigInteger} or {@code Double}, plus {@code String},
 * {@code Boolean} and {@code null}. Claim values are the IdP's words, not ours: quote them before they go near
 * Datalog.
 */
public final class VerifiedJwt {

    private final String issuer;
    private final String subject;
    private final Instant expiresAt;
    private final Optional<Instant> notBefore;
    private final Optional<Instant> issuedAt;
    private final Optional<String> jwtId;
    private final String keyId;
    private final JwsAlgorithm algorithm;
    private final Map<String, Object> claims;

    VerifiedJwt(String issuer, String subject, Instant expiresAt, Optional<Instant> notBefore,
                Optional<Instant> issuedAt, Optional<String> jwtId, String keyId, JwsAlgorithm algorithm,
                Map<String, Object> claims) {
        this.issuer = Objects.requireNonNull(issuer);
        this.subject = Objects.requireNonNull(subject);
        this.expiresAt = Objects.requireNonNull(expiresAt);
        this.notBefore = notBefore;
        this.issuedAt = issuedAt;
        this.jwtId = jwtId;
        this.keyId = keyId;
        this.algorithm = algorithm;
        this.claims = claims;
    }

    /** {@code iss}: exactly one of the configured issuers. */
    public String issuer() {
        return issuer;
    }

    /** {@code sub}: who the issuer says the token is for. */
    public String subject() {
        return subject;
    }

    /** {@code exp}: nothing derived from this token may outlive it. */
    public Instant expiresAt() {
        return expiresAt;
    }

    public Optional<Instant> notBefore() {
        return notBefore;
    }

    public Optional<Instant> issuedAt() {
        return issuedAt;
    }

    /** {@code jti}, when the issuer sets one. */
    public Optional<String> jwtId() {
        return jwtId;
    }

    /** The {@code kid} of the key that verified it (for the audit line). */
    public String keyId() {
        return keyId;
    }

    public JwsAlgorithm algorithm() {
        return algorithm;
    }

    /** Every claim of the payload, deeply immutable (see the class comment for the value types). */
    public Map<String, Object> claims() {
        return claims;
    }

    @Override
    public String toString() {
        return "VerifiedJwt[iss=" + issuer + ", sub=" + subject + ", exp=" + expiresAt + ", kid=" + keyId + "]";
    }
}
