package dev.warrant.gateway.identity;

import io.vertx.core.json.JsonObject;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

/**
 * A compact JWS taken apart, for tests to read what an identity provider issued and check its signature with the
 * JDK alone (RS256 and ES256). Not a verifier for production use: it trusts the header's {@code alg}.
 */
public record Jws(JsonObject header, JsonObject payload, byte[] signingInput, byte[] signature) {

    public static Jws parse(String compact) {
        String[] parts = compact.split("\\.", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a compact JWS: " + parts.length + " parts");
        }
        Base64.Decoder b64 = Base64.getUrlDecoder();
        return new Jws(new JsonObject(new String(b64.decode(parts[0]), StandardCharsets.UTF_8)),
                new JsonObject(new String(b64.decode(parts[1]), StandardCharsets.UTF_8)),
                (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII),
                b64.decode(parts[2]));
    }

    public String kid() {
        return header.getString("kid");
    }

    /** Whether the signature checks out with {@code jwk} (a public JWK from a JWKS) under the header's alg. */
    public boolean verifiesWith(JsonObject jwk) throws GeneralSecurityException {
        String alg = header.getString("alg");
        Signature verifier = switch (alg) {
            case "RS256" -> Signature.getInstance("SHA256withRSA");
            // JWS carries R || S; the JDK's P1363 format is exactly that
            case "ES256" -> Signature.getInstance("SHA256withECDSAinP1363Format");
            default -> throw new GeneralSecurityException("unsupported alg " + alg);
        };
        verifier.initVerify(publicKey(jwk));
        verifier.update(signingInput);
        return verifier.verify(signature);
    }

    /** The public key of an RSA or P-256 JWK. */
    public static PublicKey publicKey(JsonObject jwk) throws GeneralSecurityException {
        switch (jwk.getString("kty")) {
            case "RSA":
                return KeyFactory.getInstance("RSA").generatePublic(
                        new RSAPublicKeySpec(unsigned(jwk.getString("n")), unsigned(jwk.getString("e"))));
            case "EC":
                if (!"P-256".equals(jwk.getString("crv"))) {
                    throw new GeneralSecurityException("unsupported curve " + jwk.getString("crv"));
                }
                AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
                params.init(new ECGenParameterSpec("secp256r1"));
                ECPoint point = new ECPoint(unsigned(jwk.getString("x")), unsigned(jwk.getString("y")));
                return KeyFactory.getInstance("EC").generatePublic(
                        new ECPublicKeySpec(point, params.getParameterSpec(ECParameterSpec.class)));
            default:
                throw new GeneralSecurityException("unsupported kty " + jwk.getString("kty"));
        }
    }

    private static BigInteger unsigned(String base64url) {
        return new BigInteger(1, Base64.getUrlDecoder().decode(base64url));
    }
}
