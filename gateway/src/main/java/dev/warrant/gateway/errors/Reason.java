package dev.warrant.gateway.errors;

/**
 * Every reason Warrant can refuse something for, with its stable code and how it travels back.
 *
 * <p>The codes are API: clients, dashboards and audit queries match on them. Add, never rename.
 * {@code httpStatus} applies when the error is the whole HTTP answer; a per-call denial on a healthy
 * session is HTTP 200 carrying a JSON-RPC error, so standard MCP clients surface it and keep the session.
 */
public enum Reason {
    // Transport and protocol.
    PARSE_ERROR("parse_error", 400, -32700),
    INVALID_REQUEST("invalid_request", 400, -32600),
    METHOD_NOT_FOUND("method_not_found", 200, -32601),
    INVALID_PARAMS("invalid_params", 200, -32602),
    BODY_TOO_LARGE("body_too_large", 413, -32600),
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415, -32600),
    NOT_ACCEPTABLE("not_acceptable", 406, -32600),
    ORIGIN_FORBIDDEN("origin_forbidden", 403, -32600),
    HOST_FORBIDDEN("host_forbidden", 403, -32600),
    PROTOCOL_VERSION_UNSUPPORTED("protocol_version_unsupported", 400, -32600),
    SESSION_MISSING("session_missing", 400, -32600),
    SESSION_UNKNOWN("session_unknown", 404, -32001),
    SESSION_OWNER_MISMATCH("session_owner_mismatch", 403, -32001),
    METHOD_NOT_ALLOWED("method_not_allowed", 405, -32600),

    // Authentication: the token itself (HTTP 401).
    TOKEN_MISSING("token_missing", 401, -32001),
    TOKEN_MALFORMED("token_malformed", 401, -32001),
    TOKEN_TOO_LARGE("token_too_large", 401, -32001),
    SIGNATURE_INVALID("signature_invalid", 401, -32001),
    SIGNATURE_NOT_CANONICAL("signature_not_canonical", 401, -32001),
    UNKNOWN_ROOT_KEY("unknown_root_key", 401, -32001),
    TOKEN_EXPIRED("token_expired", 401, -32001),
    TTL_EXCEEDS_MAXIMUM("ttl_exceeds_maximum", 401, -32001),
    EXPIRY_MISSING("expiry_missing", 401, -32001),
    CHAIN_BROKEN("chain_broken", 401, -32001),
    CHAIN_TOO_DEEP("chain_too_deep", 401, -32001),
    REVOKED("revoked", 401, -32001),

    // Authorization of one operation (HTTP 200 + JSON-RPC error; 403 on the admin API).
    UNKNOWN_TOOL("unknown_tool", 200, -32602),
    UNKNOWN_PROMPT("unknown_prompt", 200, -32602),
    // MCP's "resource not found" code.
    UNKNOWN_RESOURCE("unknown_resource", 200, -32002),
    NOT_PERMITTED("not_permitted", 403, -32003),
    CONSTRAINT_FAILED("constraint_failed", 403, -32003),
    AUTHORITY_CHECK_FAILED("authority_check_failed", 403, -32003),
    POLICY_CHECK_FAILED("policy_check_failed", 403, -32003),
    ARGUMENT_LIMIT("argument_limit", 403, -32003),
    AUTHORIZER_LIMIT("authorizer_limit", 403, -32003),
    AUTHORIZER_TIMEOUT("authorizer_timeout", 403, -32003),
    EVALUATION_ERROR("evaluation_error", 403, -32003),
    // Over a per-caller or per-tool rate limit (per node): the caller may retry after data.detail's hint.
    RATE_LIMITED("rate_limited", 200, -32004),

    // Risk-tier rules after an allow (docs/ARCHITECTURE.md §4.3).
    AUTHORIZATION_STALE("authorization_not_fresh", 403, -32003),
    APPROVAL_DENIED("approval_denied", 403, -32003),
    APPROVAL_TIMEOUT("approval_timeout", 403, -32003),
    // Admin API: no pending approval with that id (already resolved, withdrawn, timed out, or never existed).
    APPROVAL_UNKNOWN("approval_unknown", 404, -32002),

    // Upstream.
    UPSTREAM_ERROR("upstream_error", 200, -32000),
    UPSTREAM_UNAVAILABLE("upstream_unavailable", 200, -32010),
    UPSTREAM_TIMEOUT("upstream_timeout", 200, -32011),
    UPSTREAM_PROTOCOL("upstream_protocol", 200, -32012),
    UPSTREAM_BUSY("upstream_busy", 200, -32013),
    CANCELLED("cancelled", 200, -32800),

    // The audit log cannot be written: no audit, no action (audit.onFailure: refuse, the default).
    AUDIT_UNAVAILABLE("audit_unavailable", 200, -32014),

    INTERNAL("internal_error", 500, -32603);

    private final String code;
    private final int httpStatus;
    private final int jsonRpcCode;

    Reason(String code, int httpStatus, int jsonRpcCode) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.jsonRpcCode = jsonRpcCode;
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int jsonRpcCode() {
        return jsonRpcCode;
    }

    public boolean isAuthentication() {
        return httpStatus == 401;
    }

    /** Maps a policy/delegation reason code to the enum; unknown codes fail closed as an evaluation error. */
    public static Reason fromCode(String code) {
        for (Reason r : values()) {
            if (r.code.equals(code)) {
                return r;
            }
        }
        return EVALUATION_ERROR;
    }
}
