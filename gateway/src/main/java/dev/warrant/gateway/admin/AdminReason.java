package dev.warrant.gateway.admin;

/**
 * The stable reason codes of the admin API's own refusals, with their HTTP status: one place to read them all.
 * Token and policy failures keep the request path's codes ({@link dev.warrant.gateway.errors.Reason}), mapped
 * to a status by {@link AdminErrors}.
 */
public enum AdminReason {
    // Any admin route.
    INVALID_REQUEST("invalid_request", 400),
    PARSE_ERROR("parse_error", 400),
    // POST /admin/revocations
    REVOCATION_INCOMPLETE("revocation_incomplete", 503),
    // POST /admin/inspect
    INSPECTED_TOKEN_TOO_LARGE("inspected_token_too_large", 413),
    INSPECTED_TOKEN_MALFORMED("inspected_token_malformed", 400),
    // PUT / DELETE / GET /admin/upstreams
    FORBIDDEN("forbidden", 403),
    UPSTREAM_STATIC("upstream_static", 409),
    UPSTREAM_UNKNOWN("upstream_unknown", 404),
    UPSTREAM_UNREACHABLE("upstream_unreachable", 502),
    // A registration's body (RegistrationRequest)
    INVALID_NAME("invalid_name", 400),
    TRANSPORT_NOT_ALLOWED("transport_not_allowed", 400),
    UNKNOWN_FIELD("unknown_field", 400),
    INVALID_UPSTREAM("invalid_upstream", 400),
    INVALID_URL("invalid_url", 400),
    INVALID_HEADER("invalid_header", 400),
    CREDENTIAL_NOT_REFERENCED("credential_not_referenced", 400),
    CREDENTIAL_ENV_FORBIDDEN("credential_env_forbidden", 400),
    CREDENTIAL_ENV_UNSET("credential_env_unset", 400),
    INVALID_TIMEOUT("invalid_timeout", 400);

    private final String code;
    private final int httpStatus;

    AdminReason(String code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
