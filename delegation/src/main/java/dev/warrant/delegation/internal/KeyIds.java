package dev.warrant.delegation.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Maps Warrant's string key ids onto the Biscuit format's integer {@code rootKeyId}.
 *
 * <p>A key id made only of decimal digits that fits in a non-negative int is used as is ("7" -> 7), so
 * tokens minted by other Biscuit tools with numeric ids interoperate. Any other key id maps to the first
 * four bytes of SHA-256(UTF-8 key id) with the sign bit cleared: stable across runs and JVMs. Two ids of one
 * ring that map to the same int are refused by {@code KeyRing}.
 */
public final class KeyIds {
    private KeyIds() {}

    public static int toRootKeyId(String keyId) {
        if (keyId.matches("[0-9]{1,10}")) {
            long n = Long.parseLong(keyId);
            if (n <= Integer.MAX_VALUE) {
                return (int) n;
            }
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(keyId.getBytes(StandardCharsets.UTF_8));
            int v = ((d[0] & 0xff) << 24) | ((d[1] & 0xff) << 16) | ((d[2] & 0xff) << 8) | (d[3] & 0xff);
            return v & 0x7fffffff;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
