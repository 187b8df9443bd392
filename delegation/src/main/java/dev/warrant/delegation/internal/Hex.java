package dev.warrant.delegation.internal;

import java.util.HexFormat;

/** Strict lowercase hex codec. The library's own hex decoder silently accepts garbage (Character.digit -1). */
public final class Hex {
    private static final HexFormat LOWER = HexFormat.of();

    private Hex() {}

    public static String encode(byte[] bytes) {
        return LOWER.formatHex(bytes);
    }

    /** Decodes exactly {@code expectedBytes} bytes of hex (either case); throws IllegalArgumentException otherwise. */
    public static byte[] decode(String hex, int expectedBytes, String what) {
        if (hex == null || hex.length() != expectedBytes * 2) {
            throw new IllegalArgumentException(what + " must be " + (expectedBytes * 2) + " hex digits");
        }
        try {
            return HexFormat.of().parseHex(hex.toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not valid hex");
        }
    }
}
