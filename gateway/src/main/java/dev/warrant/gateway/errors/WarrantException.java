package dev.warrant.gateway.errors;

import java.util.Map;
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
    private final transient Map<String, Object> data;

    private WarrantException(Reason reason, String detail, Object upstreamError, Map<String, Object> data) {
        super(reason.code() + (detail == null || detail.isEmpty() ? "" : ": " + detail), null, false, false);
        this.reason = Objects.requireNonNull(reason);
        this.detail = detail == null ? "" : detail;
        this.upstreamError = upstreamError;
        this.data = data == null ? Map.of() : Map.copyOf(data);
    }

    public static WarrantException of(Reason reason) {
        return new WarrantException(reason, "", null, null);
    }

    public static WarrantException of(Reason reason, String detail) {
        return new WarrantException(reason, detail, null, null);
    }

    /**
     * A refusal whose {@code error.data} carries fields a specification defines for it (beside {@code reason}
     * and {@code detail}), e.g. {@code supported} and {@code requested} of an unsupported protocol version.
     */
    public static WarrantException of(Reason reason, String detail, Map<String, Object> data) {
        return new WarrantException(reason, detail, null, data);
    }

    /** An upstream's JSON-RPC error, relayed as it was. */
    public static WarrantException upstream(Object errorObject, String detail) {
        return new WarrantException(Reason.UPSTREAM_ERROR, detail, errorObject, null);
    }

    /** Fields for {@code error.data} beside {@code reason} and {@code detail}; empty for most refusals. */
    public Map<String, Object> data() {
        return data;
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
        return new WarrantException(Reason.INTERNAL, "", null, null);
    }
}
