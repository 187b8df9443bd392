package dev.warrant.gateway.cluster;

import io.vertx.core.json.JsonObject;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Seals small JSON claims into an opaque text a client carries and hands back (AES-256-GCM under a key the
 * cluster shares, {@link ClusterNode#sharedKey}): any member opens it, nobody else can read, forge or change it.
 * Each use has its own prefix and associated data, so a text sealed for one purpose never opens for another.
 */
public final class Sealer {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** Longer text is refused before decoding: nothing we seal comes near it. */
    private static final int MAX_TEXT = 64 * 1024;

    private final SecretKeySpec key;
    private final String prefix;
    private final byte[] aad;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param key     32 bytes, the same on every member
     * @param prefix  what every sealed text starts with (says what it is, and its version)
     * @param purpose bound into each text as associated data
     */
    public Sealer(byte[] key, String prefix, String purpose) {
        if (key.length != 32) {
            throw new IllegalArgumentException("a sealing key must be 32 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
        this.prefix = prefix;
        this.aad = purpose.getBytes(StandardCharsets.US_ASCII);
    }

    public String seal(JsonObject claims) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            byte[] sealed = cipher.doFinal(claims.encode().getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[nonce.length + sealed.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
            return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java platform", e);
        }
    }

    /** @return the claims, or null when the text is not one this sealer made (or was changed) */
    public JsonObject open(Object text) {
        if (!(text instanceof String s) || !s.startsWith(prefix) || s.length() > MAX_TEXT) {
            return null;
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(s.substring(prefix.length()));
        } catch (IllegalArgumentException e) {
            return null;
        }
        // Shorter than a nonce and a tag: the cipher would not even try (and throws a ProviderException).
        if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
            return null;
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
            cipher.updateAAD(aad);
            byte[] plain = cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
            return new JsonObject(new String(plain, StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | RuntimeException e) {
            // Whatever the cipher or parser makes of attacker-chosen bytes, the answer is the same: not ours.
            return null;
        }
    }
}
