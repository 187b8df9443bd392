package dev.warrant.gateway.identity;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * Keys and signed tokens for the identity tests: the header and payload are written byte for byte as given (so a
 * test can put anything in them), then signed with the key the test chooses.
 */
public final class TestJwts {

    private TestJwts() {
    }

    public static RSAKey rsa(String kid) {
        return rsa(kid, 2048);
    }

    public static RSAKey rsa(String kid, int bits) {
        try {
            return new RSAKeyGenerator(bits, true).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static ECKey ec(String kid, Curve curve) {
        try {
            return new ECKeyGenerator(curve).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An Ed25519 key made by the JDK (nimbus's generator needs Tink): the JWK and the private key to sign with. */
    public record Ed25519(OctetKeyPair jwk, PrivateKey privateKey) {
        public static Ed25519 generate(String kid) {
            try {
                KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                byte[] spki = pair.getPublic().getEncoded();
                byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
                return new Ed25519(new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).keyID(kid).build(),
                        pair.getPrivate());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Typical claims: this issuer, subject alice, audience the resource, 5 minutes left. */
    public static JsonObject claims(String issuer, String audience, Instant now) {
        return new JsonObject()
                .put("iss", issuer)
                .put("sub", "alice")
                .put("aud", audience)
                .put("iat", now.getEpochSecond())
                .put("exp", now.plusSeconds(300).getEpochSecond())
                .put("jti", "jti-1")
                .put("scope", "notes.read notes.write");
    }

    public static JsonObject header(String alg, String kid) {
        JsonObject h = new JsonObject().put("alg", alg).put("typ", "at+jwt");
        return kid == null ? h : h.put("kid", kid);
    }

    public static String sign(JsonObject header, JsonObject claims, RSAKey key) {
        try {
            // allowWeakKey: tests sign with a 1024-bit key to prove the verifier refuses it.
            return sign(header.encode(), claims.encode(), new RSASSASigner(key.toRSAPrivateKey(), true));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sign(JsonObject header, JsonObject claims, ECKey key) {
        try {
            return sign(header.encode(), claims.encode(), new ECDSASigner(key));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs the exact header and payload text with a nimbus signer (the algorithm is the header's). */
    public static String sign(String header, String payload, JWSSigner signer) {
        try {
            String input = b64(header) + "." + b64(payload);
            Base64URL sig = signer.sign(JWSHeader.parse(header), input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + sig;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sign(JsonObject header, JsonObject claims, Ed25519 key) {
        try {
            String input = b64(header.encode()) + "." + b64(claims.encode());
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key.privateKey());
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
