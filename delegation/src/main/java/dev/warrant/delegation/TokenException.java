package dev.warrant.delegation;

import java.util.Objects;

/**
 * A token was rejected. Stackless: it is thrown on the request path for every bad token, and a stack trace
 * would cost more than the check that failed. The message is one line and never contains the token.
 */
public final class TokenException extends Exception {
    private static final long serialVersionUID = 1L;

    private final TokenReason reason;

    public TokenException(TokenReason reason, String message) {
        super(message, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public TokenReason reason() {
        return reason;
    }

    @Override
    public String toString() {
        return "TokenException[" + reason.code() + "]: " + getMessage();
    }
}
