package dev.warrant.gateway.identity;

/**
 * Tells a JWT from a Biscuit before either is parsed, so the authenticator can route a bearer to the right
 * verifier. A Biscuit is one base64url string (no dots); a JWS compact serialization is three base64url parts
 * joined by dots, a JWE five. Both of the latter go to the JWT verifier, which names why it refuses a JWE or an
 * unsigned token (empty third part). Only the shape is read: nothing here is verified.
 */
public final class BearerFormat {

    private BearerFormat() {
    }

    /** Whether {@code bearer} has the shape of a JWS or JWE (3 or 5 dot-separated base64url parts, header non-empty). */
    public static boolean looksLikeJwt(String bearer) {
        if (bearer == null || bearer.isEmpty()) {
            return false;
        }
        int parts = 1;
        int partLength = 0;
        boolean firstEmpty = false;
        for (int i = 0; i < bearer.length(); i++) {
            char c = bearer.charAt(i);
            if (c == '.') {
                if (parts == 1 && partLength == 0) {
                    firstEmpty = true;
                }
                parts++;
                partLength = 0;
            } else if (isBase64Url(c)) {
                partLength++;
            } else {
                return false;
            }
        }
        return !firstEmpty && (parts == 3 || parts == 5);
    }

    static boolean isBase64Url(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_';
    }
}
