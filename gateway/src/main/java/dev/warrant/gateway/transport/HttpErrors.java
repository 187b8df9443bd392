package dev.warrant.gateway.transport;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.Era;
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

    /** A refusal of a JSON-RPC request: per-call denials on a healthy session stay HTTP 200. */
    static void send(HttpServerResponse response, WarrantException error, JsonObject body, String resourceMetadataUrl) {
        send(response, error, error.reason().httpStatus(), body, resourceMetadataUrl);
    }

    /** A refusal of a JSON-RPC request of {@code era} (2026-07-28 answers an unknown method 404, bad params 400). */
    static void send(HttpServerResponse response, WarrantException error, Era era, JsonObject body,
                     String resourceMetadataUrl) {
        int status = era == Era.MODERN ? error.reason().modernHttpStatus() : error.reason().httpStatus();
        send(response, error, status, body, resourceMetadataUrl);
    }

    /** A refusal of a message without a JSON-RPC answer (notification, response, GET, DELETE). */
    static void sendWithoutAnswer(HttpServerResponse response, WarrantException error, String resourceMetadataUrl) {
        send(response, error, error.reason().httpStatusWithoutAnswer(), ErrorResponses.errorResponse(null, error),
                resourceMetadataUrl);
    }

    private static void send(HttpServerResponse response, WarrantException error, int status, JsonObject body,
                             String resourceMetadataUrl) {
        Reason reason = error.reason();
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
