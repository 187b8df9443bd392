package dev.warrant.delegation;

import dev.warrant.delegation.internal.Hex;

import java.util.Locale;
import java.util.Objects;

/** An Ed25519 root public key with its key id; {@code hex} is 64 lowercase hex digits. */
public record RootPublicKey(String keyId, String hex) {
    public RootPublicKey {
        SigningKey.requireKeyId(keyId);
        Objects.requireNonNull(hex, "hex");
        hex = hex.trim().toLowerCase(Locale.ROOT);
        Hex.decode(hex, 32, "root public key");
    }

    /** True when {@code signature} is this key's Ed25519 signature over {@code message}; false for any malformed input. */
    public boolean verifies(byte[] message, byte[] signature) {
        try {
            java.security.Signature verifier = org.biscuitsec.biscuit.crypto.KeyPair.getSignature();
            verifier.initVerify(new net.i2p.crypto.eddsa.EdDSAPublicKey(new net.i2p.crypto.eddsa.spec.EdDSAPublicKeySpec(
                    Hex.decode(hex, 32, "root public key"), org.biscuitsec.biscuit.crypto.KeyPair.ed25519)));
            verifier.update(message);
            return verifier.verify(signature);
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
