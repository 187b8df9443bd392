package dev.warrant.gateway.admin;

import dev.warrant.gateway.cluster.RevocationIncompleteException;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;

/**
 * How every admin route answers a failure: {@code {"error": {"reason", "detail"}}} with one status per kind of
 * failure, so the four admin APIs cannot drift apart. An admin refusal carries its own status
 * ({@link AdminReason}); a token failure is 401; a request the gateway cannot read is 400; an unknown approval
 * 404; an incomplete revocation 503; an internal failure 500 (logged with its cause, never sent); any other
 * token or policy reason is 403.
 */
public final class AdminErrors {

    private AdminErrors() {
    }

    /** The status and body for {@code cause}. */
    record Answer(int status, String reason, String detail) {
        JsonObject body() {
            JsonObject error = new JsonObject().put("reason", reason);
            if (detail != null) {
                error.put("detail", detail);
            }
            return new JsonObject().put("error", error);
        }
    }

    static Answer answer(Throwable cause) {
        if (cause instanceof AdminRefusal refusal) {
            return new Answer(refusal.reason().httpStatus(), refusal.reason().code(), refusal.getMessage());
        }
        if (cause instanceof RevocationIncompleteException incomplete) {
            AdminReason r = AdminReason.REVOCATION_INCOMPLETE;
            return new Answer(r.httpStatus(), r.code(), incomplete.getMessage());
        }
        WarrantException e = WarrantException.wrap(cause);
        Reason r = e.reason();
        int status = r.adminStatus();
        return new Answer(status, r.code(), status == 500 ? null : e.detail());
    }

    /** Answers {@code cause} on {@code response}; an internal failure is logged to {@code log} with its cause. */
    public static void send(HttpServerResponse response, Throwable cause, Logger log) {
        Answer answer = answer(cause);
        if (answer.status() == 500) {
            log.error("admin request failed", cause);
        } else if (answer.status() == 503) {
            log.warn("admin request incomplete: {}", answer.detail());
        }
        AdminAccess.json(response, answer.status(), answer.body());
    }
}
