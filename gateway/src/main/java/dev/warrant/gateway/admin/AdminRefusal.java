package dev.warrant.gateway.admin;

/**
 * An admin API refusal that is not a token or policy failure: an HTTP status and a stable reason code,
 * answered as {@code {"error": {"reason", "detail"}}}. Stackless: refusals are expected outcomes.
 */
final class AdminRefusal extends RuntimeException {

    private final int status;
    private final String reason;

    AdminRefusal(int status, String reason, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.reason = reason;
    }

    int status() {
        return status;
    }

    String reason() {
        return reason;
    }
}
