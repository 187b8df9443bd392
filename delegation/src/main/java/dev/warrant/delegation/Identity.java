package dev.warrant.delegation;

import java.util.Objects;

/**
 * Who an identity provider said the token's agent is: the verified JWT's issuer and subject, recorded in the
 * authority block of a token the gateway minted for it ({@code identity("https://idp…", "alice")}). Revoking
 * the identity stops every token minted for it and everything delegated from those.
 */
public record Identity(String issuer, String subject) {

    /** Long enough for any real issuer URL or subject; bounded because both land in tokens and audit lines. */
    public static final int MAX_LENGTH = 512;

    /** Separates issuer and subject in {@link #key()}: a control character, which neither may contain. */
    private static final char SEPARATOR = '\u001f';

    public Identity {
        requireText(issuer, "issuer");
        requireText(subject, "subject");
    }

    /** Issuer and subject as one string, unambiguously (what revocations and grants are keyed on). */
    public String key() {
        return issuer + SEPARATOR + subject;
    }

    /** The identity a {@link #key()} names; IllegalArgumentException for any other string. */
    public static Identity fromKey(String key) {
        int at = key.indexOf(SEPARATOR);
        if (at < 0) {
            throw new IllegalArgumentException("an identity names an issuer and a subject");
        }
        return new Identity(key.substring(0, at), key.substring(at + 1));
    }

    private static void requireText(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(what + " must be 1-" + MAX_LENGTH + " characters");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(what + " must not contain control characters");
        }
    }
}
