package dev.warrant.gateway.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import dev.warrant.gateway.crypto.Ed25519;

import java.security.PublicKey;
import java.util.Set;

/**
 * EdDSA (Ed25519) signatures checked by the JDK's provider. nimbus's own Ed25519Verifier needs Google Tink on the
 * class path; the JDK has had Ed25519 since 15, so a second crypto library is not worth one algorithm.
 */
final class Ed25519JdkVerifier implements JWSVerifier {

    private final PublicKey key;
    private final JCAContext jca = new JCAContext();

    Ed25519JdkVerifier(OctetKeyPair jwk) throws JOSEException {
        try {
            key = Ed25519.publicKey(jwk.getDecodedX());
        } catch (IllegalArgumentException e) {
            throw new JOSEException(e.getMessage(), e);
        }
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
        if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
            return false;
        }
        return Ed25519.verifies(key, signingInput, signature.decode());
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.EdDSA);
    }

    @Override
    public JCAContext getJCAContext() {
        return jca;
    }
}
