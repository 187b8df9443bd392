package dev.warrant.gateway.transport;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
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

    private ErrorResponses() {
    }

    public static JsonObject errorObject(WarrantException e) {
        if (e.reason() == Reason.UPSTREAM_ERROR && e.upstreamError() instanceof Map<?, ?> upstream) {
            @SuppressWarnings("unchecked")
            Map<String, Object> copy = (Map<String, Object>) upstream;
            return new JsonObject(copy);
        }
        Reason r = e.reason();
        JsonObject data = new JsonObject().put("reason", r.code());
        if (!e.detail().isEmpty()) {
            data.put("detail", e.detail());
        }
        return new JsonObject().put("code", r.jsonRpcCode()).put("message", message(r, e.detail())).put("data", data);
    }

    /** A full JSON-RPC error response; {@code id} may be null when the request could not be read. */
    public static JsonObject errorResponse(Object id, WarrantException e) {
        return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("error", errorObject(e));
    }

    private static String message(Reason r, String detail) {
        return switch (r) {
            case PARSE_ERROR -> "Parse error";
            case INVALID_REQUEST, BODY_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, NOT_ACCEPTABLE,
                 PROTOCOL_VERSION_UNSUPPORTED, SESSION_MISSING, METHOD_NOT_ALLOWED -> "Invalid request";
            case METHOD_NOT_FOUND -> "Method not found";
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
