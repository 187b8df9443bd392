package dev.warrant.gateway.admin;

/**
 * An admin API refusal that is not a token or policy failure: a stable reason (with its HTTP status) and a
 * detail for the caller, answered by {@link AdminErrors}. Stackless: refusals are expected outcomes.
 */
public final class AdminRefusal extends RuntimeException {

    private final AdminReason reason;

    AdminRefusal(AdminReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public AdminReason reason() {
        return reason;
    }
}
