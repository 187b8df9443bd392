package dev.warrant.gateway.transport;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Sends a refusal as a whole HTTP answer: the reason's status, the JSON-RPC error body, and for
 * authentication failures the RFC 6750 / RFC 9728 challenge pointing at the protected-resource metadata.
 */
final class HttpErrors {

    private HttpErrors() {
    }

    static void send(HttpServerResponse response, WarrantException error, JsonObject body, String resourceMetadataUrl) {
        Reason reason = error.reason();
        // Per-call refusals on a healthy session are HTTP 200 with a JSON-RPC error; only transport and
        // token failures change the HTTP status.
        int status = reason.httpStatus() == 403 && reason.jsonRpcCode() == -32003 ? 200 : reason.httpStatus();
        response.setStatusCode(status);
        if (reason.isAuthentication()) {
            String code = reason == Reason.TOKEN_MISSING ? "" : ", error=\"invalid_token\"";
            response.putHeader("WWW-Authenticate",
                    "Bearer resource_metadata=\"" + resourceMetadataUrl + "\"" + code);
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toBuffer());
    }

    static void send(HttpServerResponse response, WarrantException error, String resourceMetadataUrl) {
        send(response, error, ErrorResponses.errorResponse(null, error), resourceMetadataUrl);
    }
}
