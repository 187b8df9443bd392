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
}
