package dev.warrant.delegation;

/** Why a token was rejected; {@link #code()} is stable (logs, metrics, client errors). */
public enum TokenReason {
    MALFORMED("token_malformed"),
    TOO_LARGE("token_too_large"),
    SIGNATURE_INVALID("signature_invalid"),
    UNKNOWN_ROOT_KEY("unknown_root_key"),
    NON_CANONICAL_SIGNATURE("signature_not_canonical"),
    EXPIRED("token_expired"),
    TTL_EXCEEDED("ttl_exceeds_maximum"),
    MISSING_EXPIRY("expiry_missing"),
    BROKEN_CHAIN("chain_broken"),
    CHAIN_TOO_DEEP("chain_too_deep");

    private final String code;

    TokenReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
