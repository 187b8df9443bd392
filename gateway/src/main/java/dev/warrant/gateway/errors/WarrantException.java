package dev.warrant.gateway.errors;

import java.util.Objects;

/**
 * The one exception type of the request path. Stackless (like vertx-web's HttpException): refusals are
 * expected outcomes, and a stack trace must never reach a client anyway.
 *
 * <p>{@code detail} is a short line safe to show the caller; {@code upstreamError} carries an upstream's own
 * JSON-RPC error object, passed through untouched.
 */
public final class WarrantException extends RuntimeException {

    private final Reason reason;
    private final String detail;
    private final transient Object upstreamError;

    private WarrantException(Reason reason, String detail, Object upstreamError) {
        super(reason.code() + (detail == null || detail.isEmpty() ? "" : ": " + detail), null, false, false);
        this.reason = Objects.requireNonNull(reason);
        this.detail = detail == null ? "" : detail;
        this.upstreamError = upstreamError;
    }

    public static WarrantException of(Reason reason) {
        return new WarrantException(reason, "", null);
    }

    public static WarrantException of(Reason reason, String detail) {
        return new WarrantException(reason, detail, null);
    }

    /** An upstream's JSON-RPC error, relayed as it was. */
    public static WarrantException upstream(Object errorObject, String detail) {
        return new WarrantException(Reason.UPSTREAM_ERROR, detail, errorObject);
    }

    public Reason reason() {
        return reason;
    }

    public String detail() {
        return detail;
    }

    public Object upstreamError() {
        return upstreamError;
    }

    /** Wraps anything unexpected as an internal error, keeping WarrantExceptions as they are. */
    public static WarrantException wrap(Throwable t) {
        if (t instanceof WarrantException w) {
            return w;
        }
        return new WarrantException(Reason.INTERNAL, "", null);
    }
}
