package dev.warrant.gateway.transport;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.Era;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * The one place where refusals become JSON-RPC error objects (docs/ARCHITECTURE.md §2.5). Nothing else builds error
 * bodies, so codes, messages and {@code error.data.reason} cannot drift between paths.
 *
 * <p>Messages are fixed per reason and never include internals; {@code data.detail} carries the short,
 * caller-safe explanation. An upstream's own error object is relayed unchanged.
 */
public final class ErrorResponses {

    private static final int RESOURCE_NOT_FOUND_2025 = -32002;
    private static final int INVALID_PARAMS = -32602;

    private ErrorResponses() {
    }

    public static JsonObject errorObject(WarrantException e) {
        return errorObject(e, Era.LEGACY);
    }

    /** The error object as a caller of {@code era} reads it (2026-07-28 renumbered "resource not found"). */
    public static JsonObject errorObject(WarrantException e, Era era) {
        if (e.reason() == Reason.UPSTREAM_ERROR && e.upstreamError() instanceof Map<?, ?> upstream) {
            @SuppressWarnings("unchecked")
            Map<String, Object> copy = (Map<String, Object>) upstream;
            JsonObject error = new JsonObject(new java.util.LinkedHashMap<>(copy));
            if (era == Era.MODERN && Integer.valueOf(RESOURCE_NOT_FOUND_2025).equals(error.getValue("code"))) {
                error.put("code", INVALID_PARAMS); // a 2025 upstream's "resource not found", as 2026 says it
            }
            return error;
        }
        Reason r = e.reason();
        JsonObject data = new JsonObject().put("reason", r.code());
        if (!e.detail().isEmpty()) {
            data.put("detail", e.detail());
        }
        e.data().forEach(data::put);
        int code = era == Era.MODERN ? r.modernJsonRpcCode() : r.jsonRpcCode();
        return new JsonObject().put("code", code).put("message", message(r, e.detail())).put("data", data);
    }

    /** A full JSON-RPC error response; {@code id} may be null when the request could not be read. */
    public static JsonObject errorResponse(Object id, WarrantException e) {
        return errorResponse(id, e, Era.LEGACY);
    }

    public static JsonObject errorResponse(Object id, WarrantException e, Era era) {
        return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("error", errorObject(e, era));
    }

    private static String message(Reason r, String detail) {
        return switch (r) {
            case PARSE_ERROR -> "Parse error";
            case INVALID_REQUEST, BODY_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, NOT_ACCEPTABLE,
                 SESSION_MISSING, METHOD_NOT_ALLOWED -> "Invalid request";
            case PROTOCOL_VERSION_UNSUPPORTED -> "Unsupported protocol version";
            case METHOD_NOT_FOUND -> "Method not found";
            case HEADER_MISMATCH -> "Header mismatch: " + detail;
            case CLIENT_CAPABILITY_MISSING -> "Missing required client capability";
            case REQUEST_STATE_INVALID -> "Invalid request state";
            case INVALID_PARAMS -> "Invalid params";
            case UNKNOWN_TOOL -> "Unknown tool: " + detail;
            case UNKNOWN_PROMPT -> "Unknown prompt: " + detail;
            case UNKNOWN_RESOURCE -> "Resource not found: " + detail;
            case ORIGIN_FORBIDDEN, HOST_FORBIDDEN -> "Forbidden";
            case SESSION_UNKNOWN -> "Session not found";
            case SESSION_OWNER_MISMATCH -> "Session belongs to another caller";
            case REVOKED -> "Token revoked";
            case CANCELLED -> "Request cancelled";
            case RATE_LIMITED -> "Rate limit exceeded";
            case SESSION_LIMIT -> "Too many sessions";
            case APPROVAL_LIMIT -> "Too many calls awaiting approval";
            case UPSTREAM_UNAVAILABLE -> "Upstream unavailable";
            case UPSTREAM_TIMEOUT -> "Upstream timed out";
            case UPSTREAM_PROTOCOL, UPSTREAM_ERROR -> "Upstream error";
            case INTERNAL -> "Internal error";
            default -> r.isAuthentication() ? "Unauthorized" : "Forbidden";
        };
    }
}
