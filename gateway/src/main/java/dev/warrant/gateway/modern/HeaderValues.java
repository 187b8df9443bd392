package dev.warrant.gateway.modern;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Values of {@code Mcp-Name} and {@code Mcp-Param-*} as the 2026-07-28 transport encodes them: plain visible
 * ASCII as is; anything else (non-ASCII, control characters, leading or trailing blanks) as
 * {@code =?base64?<base64 of the UTF-8 bytes>?=}.
 */
public final class HeaderValues {

    private static final String PREFIX = "=?base64?";
    private static final String SUFFIX = "?=";

    private HeaderValues() {
    }

    /**
     * The value the client meant, or empty when the header is not a valid encoding (bad base64, non-canonical
     * base64, bytes that are not UTF-8, or a plain value with characters a plain value cannot have): such a
     * header can never match the body.
     */
    public static Optional<String> decode(String header) {
        if (header == null) {
            return Optional.empty();
        }
        if (header.startsWith(PREFIX) && header.endsWith(SUFFIX) && header.length() >= PREFIX.length() + SUFFIX.length()) {
            String encoded = header.substring(PREFIX.length(), header.length() - SUFFIX.length());
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(encoded);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            // One value, one encoding: a header that re-encodes differently is not the client's encoding of it.
            if (!Base64.getEncoder().encodeToString(bytes).equals(encoded)) {
                return Optional.empty();
            }
            try {
                return Optional.of(StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString());
            } catch (CharacterCodingException e) {
                return Optional.empty();
            }
        }
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return Optional.empty();
            }
        }
        return Optional.of(header);
    }
}
