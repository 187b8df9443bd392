package dev.warrant.gateway.console;

/**
 * The stable reason codes of the console's own refusals, with their HTTP status. A refused token keeps the request
 * path's code ({@link dev.warrant.gateway.errors.Reason}: {@code revoked}, {@code token_expired}, ...).
 */
enum ConsoleReason {
    /** No sign-in, or it ended (expired, idle, signed out, or the token behind it stopped being valid). */
    SIGNED_OUT("console_signed_out", 401),
    /** The operator's token lacks the admin right this page or action needs. */
    RIGHT_MISSING("console_right_missing", 403),
    /** A state change without the session's CSRF token, or sent from another site. */
    CSRF_INVALID("csrf_invalid", 403),
    /** A form the console cannot read: missing or oversized field, wrong content type. */
    REQUEST_INVALID("console_request_invalid", 400),
    /** A sign-in with a token that holds none of the console's rights. */
    NO_CONSOLE_RIGHTS("console_no_rights", 403),
    /** The identity provider refused the sign-in (the user declined, or it refused the code or the client). */
    IDP_REFUSED("console_idp_refused", 403),
    /** The identity provider could not be reached, or answered with something that is not OAuth. */
    IDP_UNAVAILABLE("console_idp_unavailable", 502),
    /** What the operator asked for is not there (an approval already decided, an unknown page). */
    NOT_FOUND("console_not_found", 404);

    private final String code;
    private final int httpStatus;

    ConsoleReason(String code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    String code() {
        return code;
    }

    int httpStatus() {
        return httpStatus;
    }
}
