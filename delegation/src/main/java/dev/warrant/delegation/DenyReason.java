package dev.warrant.delegation;

/** The outcome class of an authorization; {@link #code()} is stable (logs, metrics, client errors). */
public enum DenyReason {
    /** Not a denial: the call is allowed. */
    ALLOWED("allowed"),
    /** No allow policy matched, or a deny policy matched, with no failed check. */
    NOT_PERMITTED("not_permitted"),
    /** A check of a delegation/attenuation block (index >= 1) failed. */
    CONSTRAINT_FAILED("constraint_failed"),
    /** A check of the authority block failed (e.g. peer binding). */
    AUTHORITY_CHECK_FAILED("authority_check_failed"),
    /** A check of the policy set failed. */
    POLICY_CHECK_FAILED("policy_check_failed"),
    /** The failing check is an expiry check (issuer, hop, or the policy's expires check). */
    TOKEN_EXPIRED("token_expired"),
    /** Too many facts or iterations. */
    LIMIT_EXCEEDED("authorizer_limit"),
    /** The evaluation took longer than its time limit. */
    TIMEOUT("authorizer_timeout"),
    /** The evaluation failed (type error, invalid rule, unexpected exception). */
    EVALUATION_ERROR("evaluation_error");

    private final String code;

    DenyReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
