package dev.warrant.gateway.identity;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.KeyType;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The JWS algorithms an issuer may be allowed: asymmetric only. {@code none} and every HMAC algorithm are not
 * in this list at all, so no setting and no token header can select them (docs/ARCHITECTURE.md §11.28).
 */
public enum JwsAlgorithm {
    RS256(JWSAlgorithm.RS256, KeyType.RSA, null),
    RS384(JWSAlgorithm.RS384, KeyType.RSA, null),
    RS512(JWSAlgorithm.RS512, KeyType.RSA, null),
    PS256(JWSAlgorithm.PS256, KeyType.RSA, null),
    PS384(JWSAlgorithm.PS384, KeyType.RSA, null),
    PS512(JWSAlgorithm.PS512, KeyType.RSA, null),
    ES256(JWSAlgorithm.ES256, KeyType.EC, Curve.P_256),
    ES384(JWSAlgorithm.ES384, KeyType.EC, Curve.P_384),
    ES512(JWSAlgorithm.ES512, KeyType.EC, Curve.P_521),
    EDDSA(JWSAlgorithm.EdDSA, KeyType.OKP, Curve.Ed25519);

    /** What an issuer gets when its {@code algorithms} is not given: what most IdPs sign with. */
    public static final List<JwsAlgorithm> DEFAULTS = List.of(RS256, ES256);

    private final JWSAlgorithm jws;
    private final KeyType keyType;
    private final Curve curve;

    JwsAlgorithm(JWSAlgorithm jws, KeyType keyType, Curve curve) {
        this.jws = jws;
        this.keyType = keyType;
        this.curve = curve;
    }

    /** The name as it appears in a JWS header's {@code alg} (case-sensitive, RFC 7515). */
    public String jwsName() {
        return jws.getName();
    }

    JWSAlgorithm nimbus() {
        return jws;
    }

    /** The JWK key type ({@code kty}) a key must have to verify this algorithm. */
    KeyType keyType() {
        return keyType;
    }

    /** The curve an EC or OKP key must be on; null for RSA. */
    Curve curve() {
        return curve;
    }

    /** The algorithm a header's {@code alg} names, if it is one of these (exact spelling). */
    public static Optional<JwsAlgorithm> find(String alg) {
        return Arrays.stream(values()).filter(a -> a.jwsName().equals(alg)).findFirst();
    }

    /**
     * Reads one entry of an issuer's {@code algorithms} setting.
     *
     * @throws IllegalArgumentException naming what is wrong, and the allowed names
     */
    public static JwsAlgorithm parseSetting(String value) {
        Optional<JwsAlgorithm> known = find(value);
        if (known.isPresent()) {
            return known.get();
        }
        String upper = value.toUpperCase(Locale.ROOT);
        if (upper.equals("NONE")) {
            throw new IllegalArgumentException("none is never accepted: an unsigned token proves nothing");
        }
        if (upper.startsWith("HS")) {
            throw new IllegalArgumentException(value + " is never accepted: an HMAC secret is shared, so it cannot"
                    + " prove which party signed, and an HMAC key made from a public key forges tokens");
        }
        throw new IllegalArgumentException("unknown algorithm " + value + " (allowed: " + names() + ")");
    }

    /** The allowed names, for messages. */
    public static String names() {
        return String.join(" ", Arrays.stream(values()).map(JwsAlgorithm::jwsName).toList());
    }
}
