package dev.warrant.gateway.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;

import java.util.List;
import java.util.Objects;

/**
 * Which of the JWKS keys with a token's {@code kid} may check its signature, and the nimbus verifier for it. A key
 * must be meant for signatures ({@code use}, {@code key_ops}), of the type and curve the algorithm needs, and name
 * no other algorithm; an RSA key must have at least 2048 bits.
 */
final class SigningKeys {

    static final int MIN_RSA_BITS = 2048;

    private SigningKeys() {
    }

    /** The first candidate that fits; refuses with the reason the best candidate failed. */
    static JWK choose(List<JWK> candidates, JwsAlgorithm alg, String kid) {
        List<JWK> signing = candidates.stream()
                .filter(k -> k.getKeyUse() == null || KeyUse.SIGNATURE.equals(k.getKeyUse()))
                .filter(k -> k.getKeyOperations() == null || k.getKeyOperations().contains(KeyOperation.VERIFY))
                .toList();
        if (signing.isEmpty()) {
            throw WarrantException.of(Reason.JWT_KEY_UNKNOWN, "key " + Shown.of(kid) + " is not a signature key");
        }
        List<JWK> fitting = signing.stream().filter(k -> fits(k, alg)).toList();
        if (fitting.isEmpty()) {
            JWK k = signing.get(0);
            throw WarrantException.of(Reason.JWT_ALGORITHM_REFUSED, "key " + Shown.of(kid) + " (" + describe(k)
                    + ") cannot verify " + alg.jwsName());
        }
        for (JWK k : fitting) {
            if (!(k instanceof RSAKey) || k.size() >= MIN_RSA_BITS) {
                return k;
            }
        }
        throw WarrantException.of(Reason.JWT_KEY_UNKNOWN, "key " + Shown.of(kid) + " is an RSA key under " + MIN_RSA_BITS + " bits");
    }

    private static boolean fits(JWK k, JwsAlgorithm alg) {
        if (k.getAlgorithm() != null && !k.getAlgorithm().getName().equals(alg.jwsName())) {
            return false;
        }
        if (!alg.keyType().equals(k.getKeyType())) {
            return false;
        }
        if (k instanceof ECKey ec) {
            return Objects.equals(ec.getCurve(), alg.curve());
        }
        if (k instanceof OctetKeyPair okp) {
            return Objects.equals(okp.getCurve(), alg.curve());
        }
        return k instanceof RSAKey;
    }

    private static String describe(JWK k) {
        String curve = k instanceof ECKey ec ? " " + ec.getCurve() : k instanceof OctetKeyPair o ? " " + o.getCurve() : "";
        String named = k.getAlgorithm() == null ? "" : ", alg " + k.getAlgorithm().getName();
        return k.getKeyType().getValue() + curve + named;
    }

    /** A verifier for a key {@link #choose} returned. */
    static JWSVerifier verifier(JWK key) throws JOSEException {
        if (key instanceof RSAKey rsa) {
            return new RSASSAVerifier(rsa.toRSAPublicKey());
        }
        if (key instanceof ECKey ec) {
            return new ECDSAVerifier(ec.toECPublicKey());
        }
        if (key instanceof OctetKeyPair okp && KeyType.OKP.equals(okp.getKeyType())) {
            return new Ed25519JdkVerifier(okp);
        }
        throw new JOSEException("no verifier for " + key.getKeyType());
    }
}
