package dev.warrant.gateway.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, the gateway's one digest: of bytes or of a string's UTF-8, raw or as lowercase hex, and a fresh digest for
 * callers that feed it piece by piece.
 */
public final class Sha256 {

    private static final HexFormat HEX = HexFormat.of();
    /**
     * One digest per thread, reused: {@code getInstance} walks the security providers on every call
     * (docs/PERFORMANCE-HISTORY.md). {@code digest()} resets it; nothing here hands it out.
     */
    private static final ThreadLocal<MessageDigest> PER_THREAD = ThreadLocal.withInitial(Sha256::newDigest);

    private Sha256() {
    }

    public static byte[] of(byte[] bytes) {
        return PER_THREAD.get().digest(bytes);
    }

    /** Of {@code text}'s UTF-8 (a token or a cookie is ASCII, whose UTF-8 is the same bytes). */
    public static byte[] of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Lowercase hex of the digest of {@code text}'s UTF-8. */
    public static String hex(String text) {
        return HEX.formatHex(of(text));
    }

    /** A digest of its own, for input fed in pieces ({@code update}, then {@code digest}). */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
