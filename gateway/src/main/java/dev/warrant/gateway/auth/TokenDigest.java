package dev.warrant.gateway.auth;

import dev.warrant.gateway.crypto.Sha256;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * SHA-256 of a token's text: the verified-token cache key. The cache never holds the token itself as a key,
 * so a heap dump of the cache index does not hand out bearer tokens.
 */
public final class TokenDigest {

    private final byte[] digest;
    private final int hash;

    private TokenDigest(byte[] digest) {
        this.digest = digest;
        this.hash = Arrays.hashCode(digest);
    }

    public static TokenDigest of(String token) {
        return new TokenDigest(Sha256.of(token));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenDigest other && MessageDigest.isEqual(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
