package dev.warrant.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return new TokenDigest(sha.digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the JDK", e);
        }
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
