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
    PARSE_ERROR(Category.TRANSPORT, "parse_error", 400, -32700),
    INVALID_REQUEST(Category.TRANSPORT, "invalid_request", 400, -32600),
    METHOD_NOT_FOUND(Category.TRANSPORT, "method_not_found", 200, -32601),
    INVALID_PARAMS(Category.TRANSPORT, "invalid_params", 200, -32602),
    BODY_TOO_LARGE(Category.TRANSPORT, "body_too_large", 413, -32600),
    UNSUPPORTED_MEDIA_TYPE(Category.TRANSPORT, "unsupported_media_type", 415, -32600),
    NOT_ACCEPTABLE(Category.TRANSPORT, "not_acceptable", 406, -32600),
    ORIGIN_FORBIDDEN(Category.DENIAL, "origin_forbidden", 403, -32600),
    HOST_FORBIDDEN(Category.DENIAL, "host_forbidden", 403, -32600),
    // MCP 2026-07-28's UnsupportedProtocolVersion; error.data names the supported and the requested versions.
    PROTOCOL_VERSION_UNSUPPORTED(Category.TRANSPORT, "protocol_version_unsupported", 400, -32022),
    // MCP 2026-07-28: a routing header (MCP-Protocol-Version, Mcp-Method, Mcp-Name, Mcp-Param-*) disagrees with the body.
    HEADER_MISMATCH(Category.TRANSPORT, "header_mismatch", 400, -32020),
    // MCP 2026-07-28: the request needs something of the client it did not declare (e.g. elicitation).
    CLIENT_CAPABILITY_MISSING(Category.TRANSPORT, "client_capability_missing", 200, -32021),
    SESSION_MISSING(Category.TRANSPORT, "session_missing", 400, -32600),
    SESSION_UNKNOWN(Category.TRANSPORT, "session_unknown", 404, -32001),
    SESSION_OWNER_MISMATCH(Category.DENIAL, "session_owner_mismatch", 403, -32001),
    METHOD_NOT_ALLOWED(Category.TRANSPORT, "method_not_allowed", 405, -32600),

    // Authentication: the token itself (HTTP 401).
    TOKEN_MISSING(Category.AUTHENTICATION, "token_missing", 401, -32001),
    TOKEN_MALFORMED(Category.AUTHENTICATION, "token_malformed", 401, -32001),
    TOKEN_TOO_LARGE(Category.AUTHENTICATION, "token_too_large", 401, -32001),
    SIGNATURE_INVALID(Category.AUTHENTICATION, "signature_invalid", 401, -32001),
    SIGNATURE_NOT_CANONICAL(Category.AUTHENTICATION, "signature_not_canonical", 401, -32001),
    UNKNOWN_ROOT_KEY(Category.AUTHENTICATION, "unknown_root_key", 401, -32001),
    TOKEN_EXPIRED(Category.AUTHENTICATION, "token_expired", 401, -32001),
    TTL_EXCEEDS_MAXIMUM(Category.AUTHENTICATION, "ttl_exceeds_maximum", 401, -32001),
    EXPIRY_MISSING(Category.AUTHENTICATION, "expiry_missing", 401, -32001),
    CHAIN_BROKEN(Category.AUTHENTICATION, "chain_broken", 401, -32001),
    CHAIN_TOO_DEEP(Category.AUTHENTICATION, "chain_too_deep", 401, -32001),
    REVOKED(Category.AUTHENTICATION, "revoked", 401, -32001),
    // An IdP's JWT access token (gateway identity/, docs/ARCHITECTURE.md §11.28).
    JWT_MALFORMED(Category.AUTHENTICATION, "jwt_malformed", 401, -32001),
    JWT_TOO_LARGE(Category.AUTHENTICATION, "jwt_too_large", 401, -32001),
    JWT_ALGORITHM_REFUSED(Category.AUTHENTICATION, "jwt_algorithm_refused", 401, -32001),
    JWT_ISSUER_UNKNOWN(Category.AUTHENTICATION, "jwt_issuer_unknown", 401, -32001),
    JWT_AUDIENCE_MISMATCH(Category.AUTHENTICATION, "jwt_audience_mismatch", 401, -32001),
    JWT_EXPIRED(Category.AUTHENTICATION, "jwt_expired", 401, -32001),
    JWT_NOT_YET_VALID(Category.AUTHENTICATION, "jwt_not_yet_valid", 401, -32001),
    JWT_SIGNATURE_INVALID(Category.AUTHENTICATION, "jwt_signature_invalid", 401, -32001),
    JWT_KEY_UNKNOWN(Category.AUTHENTICATION, "jwt_key_unknown", 401, -32001),
    JWT_CLAIMS_INVALID(Category.AUTHENTICATION, "jwt_claims_invalid", 401, -32001),
    // The issuer's JWKS could not be fetched (down, slow, unreadable) and no cached key matches.
    JWKS_UNAVAILABLE(Category.AUTHENTICATION, "jwks_unavailable", 401, -32001),
    // A verified JWT whose claims the operator's identity mapping turns into no agent (or an invalid one).
    IDENTITY_UNMAPPED(Category.AUTHENTICATION, "identity_unmapped", 401, -32001),

    // Authorization of one operation (HTTP 200 + JSON-RPC error; 403 on the admin API).
    UNKNOWN_TOOL(Category.DENIAL, "unknown_tool", 200, -32602),
    UNKNOWN_PROMPT(Category.DENIAL, "unknown_prompt", 200, -32602),
    // MCP's "resource not found" code.
    UNKNOWN_RESOURCE(Category.DENIAL, "unknown_resource", 200, -32002),
    // A multi round-trip retry whose requestState is not one Warrant sealed for this caller, target and arguments.
    REQUEST_STATE_INVALID(Category.DENIAL, "request_state_invalid", 200, -32602),
    // A task handle that is not one Warrant issued to this token chain, or whose task has expired.
    TASK_UNKNOWN(Category.DENIAL, "task_unknown", 200, -32602),
    NOT_PERMITTED(Category.DENIAL, "not_permitted", 403, -32003),
    CONSTRAINT_FAILED(Category.DENIAL, "constraint_failed", 403, -32003),
    AUTHORITY_CHECK_FAILED(Category.DENIAL, "authority_check_failed", 403, -32003),
    POLICY_CHECK_FAILED(Category.DENIAL, "policy_check_failed", 403, -32003),
    ARGUMENT_LIMIT(Category.DENIAL, "argument_limit", 403, -32003),
    AUTHORIZER_LIMIT(Category.DENIAL, "authorizer_limit", 403, -32003),
    AUTHORIZER_TIMEOUT(Category.DENIAL, "authorizer_timeout", 403, -32003),
    EVALUATION_ERROR(Category.DENIAL, "evaluation_error", 403, -32003),
    // Over a per-caller or per-tool rate limit (per node): the caller may retry after data.detail's hint.
    RATE_LIMITED(Category.DENIAL, "rate_limited", 200, -32004),
    // The token's grant holds its quota of sessions (or the table is full and it holds the most): end one first.
    SESSION_LIMIT(Category.DENIAL, "session_limit", 429, -32004),

    // Risk-tier rules after an allow (docs/ARCHITECTURE.md §4.3).
    AUTHORIZATION_STALE(Category.DENIAL, "authorization_not_fresh", 403, -32003),
    APPROVAL_DENIED(Category.DENIAL, "approval_denied", 403, -32003),
    APPROVAL_TIMEOUT(Category.DENIAL, "approval_timeout", 403, -32003),
    // The caller's grant already has its quota of calls waiting for approval on this member.
    APPROVAL_LIMIT(Category.DENIAL, "approval_limit", 200, -32004),
    // Admin API: no pending approval with that id (already resolved, withdrawn, timed out, or never existed).
    APPROVAL_UNKNOWN(Category.TRANSPORT, "approval_unknown", 404, -32002),
    // Admin API: an approver's reason for a decision that is too long or holds control characters.
    APPROVAL_REASON_INVALID(Category.TRANSPORT, "approval_reason_invalid", 400, -32602),

    // Upstream.
    UPSTREAM_ERROR(Category.UPSTREAM, "upstream_error", 200, -32000),
    UPSTREAM_UNAVAILABLE(Category.UPSTREAM, "upstream_unavailable", 200, -32010),
    UPSTREAM_TIMEOUT(Category.UPSTREAM, "upstream_timeout", 200, -32011),
    UPSTREAM_PROTOCOL(Category.UPSTREAM, "upstream_protocol", 200, -32012),
    UPSTREAM_BUSY(Category.UPSTREAM, "upstream_busy", 200, -32013),
    CANCELLED(Category.UPSTREAM, "cancelled", 200, -32800),

    // The audit log cannot be written: no audit, no action (audit.onFailure: refuse, the default).
    AUDIT_UNAVAILABLE(Category.INTERNAL, "audit_unavailable", 200, -32014),
    // Admin API, GET /admin/audit (record/search): a parameter the search cannot use, a cursor it did not issue
    // (or whose file has rotated away), and every search thread busy (503: retry).
    AUDIT_QUERY_INVALID(Category.TRANSPORT, "audit_query_invalid", 400, -32600),
    AUDIT_CURSOR_INVALID(Category.TRANSPORT, "audit_cursor_invalid", 400, -32600),
    AUDIT_SEARCH_BUSY(Category.INTERNAL, "audit_search_busy", 503, -32603),

    INTERNAL(Category.INTERNAL, "internal_error", 500, -32603);

    /** What kind of refusal a reason is; the HTTP mapping, the audit's decision and the admin API read it. */
    public enum Category {
        /** The token itself was refused: HTTP 401 with a WWW-Authenticate challenge. */
        AUTHENTICATION,
        /** A valid token was refused this operation (policy, limits, approval): audited as {@code deny}. */
        DENIAL,
        /** The message, its headers or its session could not be served as sent. */
        TRANSPORT,
        /** Allowed, but the upstream failed, timed out or was cancelled. */
        UPSTREAM,
        /** Warrant itself failed (including an unwritable audit log). */
        INTERNAL
    }

    private final Category category;
    private final String code;
    private final int httpStatus;
    private final int jsonRpcCode;

    Reason(Category category, String code, int httpStatus, int jsonRpcCode) {
        this.category = category;
        this.code = code;
        this.httpStatus = httpStatus;
        this.jsonRpcCode = jsonRpcCode;
    }

    public Category category() {
        return category;
    }

    public String code() {
        return code;
    }

    /**
     * The HTTP status when this refusal is the whole answer to a JSON-RPC request. Denials of one call on a
     * healthy session stay HTTP 200 carrying a JSON-RPC error, so standard MCP clients surface them and keep
     * the session.
     */
    public int httpStatus() {
        return category == Category.DENIAL && jsonRpcCode == -32003 ? 200 : httpStatus;
    }

    /**
     * The HTTP status when this refusal answers a message that has no JSON-RPC answer of its own (a POSTed
     * notification or response, a GET, a DELETE): there a 200 would read as accepted.
     */
    /**
     * The HTTP status of this refusal to a 2026-07-28 request: as {@link #httpStatus()}, except that the
     * revision puts an unknown method on 404 and invalid params on 400 (so a client can tell them from a
     * legacy server's answers).
     */
    public int modernHttpStatus() {
        int status = httpStatus();
        if (status != 200) {
            return status;
        }
        return switch (modernJsonRpcCode()) {
            case -32601 -> 404;
            case -32602, -32021 -> 400;
            default -> 200;
        };
    }

    /** The JSON-RPC code for a 2026-07-28 caller: "resource not found" (-32002) is -32602 there. */
    public int modernJsonRpcCode() {
        return this == UNKNOWN_RESOURCE ? -32602 : jsonRpcCode;
    }

    public int httpStatusWithoutAnswer() {
        if (httpStatus != 200) {
            return httpStatus;
        }
        return switch (category) {
            case DENIAL -> jsonRpcCode == -32004 ? 429 : 403;
            case INTERNAL -> 503;
            case UPSTREAM -> 502;
            default -> 400;
        };
    }

    /** The status on the admin API, where every refusal is the whole answer. */
    public int adminStatus() {
        return switch (category) {
            case AUTHENTICATION -> 401;
            case DENIAL -> 403;
            case INTERNAL -> this == AUDIT_UNAVAILABLE || this == AUDIT_SEARCH_BUSY ? 503 : 500;
            case UPSTREAM -> 502;
            case TRANSPORT -> this == APPROVAL_UNKNOWN || this == SESSION_UNKNOWN ? 404 : 400;
        };
    }

    public int jsonRpcCode() {
        return jsonRpcCode;
    }

    public boolean isAuthentication() {
        return category == Category.AUTHENTICATION;
    }

    /** A refusal of a valid caller's operation, audited as {@code deny} (authentication failures are too). */
    public boolean isDenial() {
        return category == Category.DENIAL || category == Category.AUTHENTICATION;
    }

    /** The reason with this stable code, if there is one. */
    public static java.util.Optional<Reason> find(String code) {
        for (Reason r : values()) {
            if (r.code.equals(code)) {
                return java.util.Optional.of(r);
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Maps a policy/delegation reason code to the enum. Every code of those vocabularies is mapped
     * (ReasonCategoryTest); one that is not still fails closed, as an evaluation error.
     */
    public static Reason fromCode(String code) {
        return find(code).orElse(EVALUATION_ERROR);
    }
}
