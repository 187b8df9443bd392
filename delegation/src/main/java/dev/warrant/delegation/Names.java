package dev.warrant.delegation;

import java.util.Objects;

/** Input validation shared by the spec builders; every message is one line naming the field. */
final class Names {
    private static final int MAX_LENGTH = 1024;

    private Names() {}

    /** Non-blank, bounded, no control characters (these values end up in logs and audit records). */
    static String requireName(String value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
        if (value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(field + " must be at most " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException(field + " must not contain control characters");
            }
        }
        return value;
    }

    static String requireArgKey(String key) {
        Objects.requireNonNull(key, "argument key");
        if (!key.matches("[A-Za-z0-9_.-]{1,256}")) {
            throw new IllegalArgumentException("argument key must match [A-Za-z0-9_.-]+: " + key);
        }
        return key;
    }
}
