package dev.warrant.policies;

/** The call's arguments exceed {@link ArgumentLimits}; the call is denied with reason {@code argument_limit}. */
public final class ArgumentLimitException extends Exception {

    public ArgumentLimitException(String message) {
        // No stack trace: this is an expected outcome on the request path, not a bug.
        super(message, null, false, false);
    }
}
