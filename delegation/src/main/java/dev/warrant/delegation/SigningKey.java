package dev.warrant.delegation;

import dev.warrant.delegation.internal.Hex;
import dev.warrant.delegation.internal.KeyIds;
import org.biscuitsec.biscuit.crypto.KeyPair;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * An Ed25519 root signing key (the issuer's private key) with its key id.
 *
 * <p>Key ids are strings. In the token they become the integer {@code rootKeyId} of the Biscuit format: a
 * decimal id that fits an int is used as is, any other id maps to a stable 31-bit hash (see
 * {@code internal.KeyIds}). The raw private key never leaves this package: {@link KeyFiles} is the one place that
 * reads and writes it, and {@link #toString()} never prints it.
 */
public final class SigningKey {
    private final String keyId;
    private final KeyPair keyPair;
    private final RootPublicKey publicKey;

    private SigningKey(String keyId, KeyPair keyPair) {
        this.keyId = requireKeyId(keyId);
        this.keyPair = keyPair;
        this.publicKey = new RootPublicKey(keyId, Hex.encode(keyPair.public_key().toBytes()));
    }

    public static SigningKey generate(String keyId) {
        return new SigningKey(keyId, new KeyPair(new SecureRandom()));
    }

    /** @param privateHex the 32-byte Ed25519 seed as 64 hex digits; package-private: keys come in through KeyFiles */
    static SigningKey fromHex(String keyId, String privateHex) {
        Objects.requireNonNull(privateHex, "privateHex");
        return new SigningKey(keyId, new KeyPair(Hex.decode(privateHex.trim(), 32, "private key")));
    }

    public String keyId() {
        return keyId;
    }

    /** Package-private: only {@link KeyFiles} persists the key, so no other module can hold its raw bytes. */
    String privateKeyHex() {
        return Hex.encode(keyPair.toBytes());
    }

    public RootPublicKey publicKey() {
        return publicKey;
    }

    /**
     * An Ed25519 signature (64 bytes) over {@code message}: what audit checkpoints are sealed with. The key
     * itself never leaves this class; {@link RootPublicKey#verifies} checks the result.
     */
    public byte[] sign(byte[] message) {
        try {
            java.security.Signature signer = KeyPair.getSignature();
            signer.initSign(keyPair.private_key);
            signer.update(message);
            return signer.sign();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** The Biscuit-format integer id for this key. */
    int rootKeyId() {
        return KeyIds.toRootKeyId(keyId);
    }

    KeyPair keyPair() {
        return keyPair;
    }

    @Override
    public String toString() {
        return "SigningKey[keyId=" + keyId + ", public=" + publicKey.hex() + "]";
    }

    static String requireKeyId(String keyId) {
        Objects.requireNonNull(keyId, "keyId");
        if (!keyId.matches("[A-Za-z0-9_.:-]{1,64}")) {
            throw new IllegalArgumentException("key id must be 1-64 characters of [A-Za-z0-9_.:-]: " + keyId);
        }
        return keyId;
    }
}
