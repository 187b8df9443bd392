package dev.warrant.gateway.cluster;

import io.vertx.core.json.JsonObject;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Seals small JSON claims into an opaque text a client carries and hands back (AES-256-GCM under keys the
 * cluster shares and rotates, {@link SealingKeys}): any member opens it while its key is retained, nobody else
 * can read, forge or change it. Each use has its own prefix and associated data, so a text sealed for one purpose
 * never opens for another. A text is the prefix, then base64url of the key's epoch (8 bytes, also bound into the
 * associated data), the nonce and the ciphertext.
 */
public final class Sealer {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** Longer text is refused before decoding: nothing we seal comes near it. */
    private static final int MAX_TEXT = 64 * 1024;

    private static final int EPOCH_BYTES = 8;

    private final SealingKeys keys;
    private final String prefix;
    private final byte[] aad;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param keys    32-byte keys by epoch, the same on every member
     * @param prefix  what every sealed text starts with (says what it is, and its version)
     * @param purpose bound into each text as associated data
     */
    public Sealer(SealingKeys keys, String prefix, String purpose) {
        this.keys = keys;
        this.prefix = prefix;
        this.aad = purpose.getBytes(StandardCharsets.US_ASCII);
    }

    public String seal(JsonObject claims) {
        SealingKeys.Key key = keys.current();
        byte[] epoch = ByteBuffer.allocate(EPOCH_BYTES).putLong(key.epoch()).array();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key.secret(), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            cipher.updateAAD(epoch);
            byte[] sealed = cipher.doFinal(claims.encode().getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[EPOCH_BYTES + nonce.length + sealed.length];
            System.arraycopy(epoch, 0, out, 0, EPOCH_BYTES);
            System.arraycopy(nonce, 0, out, EPOCH_BYTES, nonce.length);
            System.arraycopy(sealed, 0, out, EPOCH_BYTES + nonce.length, sealed.length);
            return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java platform", e);
        }
    }

    /**
     * Whether a text's key is still retained, from its epoch alone (no decryption: cheap enough for every request
     * of a session this member already holds). A text that is not well formed is not.
     */
    public boolean retained(String text) {
        if (text == null || !text.startsWith(prefix) || text.length() < prefix.length() + 12) {
            return false;
        }
        try {
            byte[] head = Base64.getUrlDecoder().decode(text.substring(prefix.length(), prefix.length() + 12));
            return keys.find(ByteBuffer.wrap(head, 0, EPOCH_BYTES).getLong()) != null;
        } catch (IllegalArgumentException e) {
            return false;
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
        // Shorter than an epoch, a nonce and a tag: the cipher would not even try (and throws a ProviderException).
        if (raw.length < EPOCH_BYTES + NONCE_BYTES + TAG_BITS / 8) {
            return null;
        }
        byte[] key = keys.find(ByteBuffer.wrap(raw, 0, EPOCH_BYTES).getLong());
        if (key == null) {
            return null;
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(TAG_BITS, raw, EPOCH_BYTES, NONCE_BYTES));
            cipher.updateAAD(aad);
            cipher.updateAAD(raw, 0, EPOCH_BYTES);
            byte[] plain = cipher.doFinal(raw, EPOCH_BYTES + NONCE_BYTES, raw.length - EPOCH_BYTES - NONCE_BYTES);
            return new JsonObject(new String(plain, StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | RuntimeException e) {
            // Whatever the cipher or parser makes of attacker-chosen bytes, the answer is the same: not ours.
            return null;
        }
    }
}
