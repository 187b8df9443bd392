package dev.warrant.gateway.auth;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;

/** Reads {@code Authorization: Bearer <token>} (RFC 6750); the only place a token enters the gateway. */
public final class BearerToken {

    private BearerToken() {
    }

    /**
     * @param maxLength tokens longer than this are refused before any decoding (cheap denial of oversize input)
     */
    public static String from(String authorizationHeader, int maxLength) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            throw WarrantException.of(Reason.TOKEN_MISSING, "Authorization: Bearer <token> required");
        }
        String header = authorizationHeader.strip();
        if (header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw WarrantException.of(Reason.TOKEN_MISSING, "Authorization: Bearer <token> required");
        }
        String token = header.substring(7).strip();
        if (token.isEmpty()) {
            throw WarrantException.of(Reason.TOKEN_MISSING, "empty bearer token");
        }
        if (token.length() > maxLength) {
            throw WarrantException.of(Reason.TOKEN_TOO_LARGE, "token longer than " + maxLength + " characters");
        }
        return token;
    }
}
