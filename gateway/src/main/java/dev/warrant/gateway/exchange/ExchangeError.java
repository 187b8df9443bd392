package dev.warrant.gateway.exchange;

import io.vertx.core.json.JsonObject;

/**
 * A refused token exchange as RFC 6749 §5.2 answers it: HTTP 400 (401 for {@code invalid_client}) with
 * {@code error} and {@code error_description}, plus {@code warrant_reason}, the stable reason code a refused
 * token carries elsewhere in Warrant, when there is one.
 */
final class ExchangeError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final String error;
    final String warrantReason;

    private ExchangeError(String error, String description, String warrantReason) {
        super(description, null, false, false);
        this.error = error;
        this.warrantReason = warrantReason;
    }

    static ExchangeError invalidRequest(String description) {
        return new ExchangeError("invalid_request", description, null);
    }

    static ExchangeError unsupportedGrantType(String description) {
        return new ExchangeError("unsupported_grant_type", description, null);
    }

    /** The subject or actor token is not one Warrant accepts now (expired, revoked, forged, unmapped...). */
    static ExchangeError invalidGrant(String description, String warrantReason) {
        return new ExchangeError("invalid_grant", description, warrantReason);
    }

    static ExchangeError invalidTarget(String description) {
        return new ExchangeError("invalid_target", description, null);
    }

    static ExchangeError invalidScope(String description) {
        return new ExchangeError("invalid_scope", description, null);
    }

    int status() {
        return 400;
    }

    JsonObject body() {
        JsonObject body = new JsonObject().put("error", error).put("error_description", getMessage());
        if (warrantReason != null) {
            body.put("warrant_reason", warrantReason);
        }
        return body;
    }
}
