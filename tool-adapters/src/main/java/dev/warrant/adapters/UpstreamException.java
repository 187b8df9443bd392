package dev.warrant.adapters;

import java.util.Objects;

/**
 * Why an upstream request did not produce a result. Stackless: these are expected outcomes (an upstream's
 * error answer, a timeout), not bugs, and the gateway translates them to JSON-RPC errors in one place.
 */
public final class UpstreamException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** JSON-RPC "method not found", the answer to server requests nobody handles. */
    public static final int METHOD_NOT_FOUND = -32601;

    /** The closed set of failure kinds. */
    public enum Kind {
        /** The upstream answered with a JSON-RPC error: {@link #code()}, message and {@link #data()} are its own. */
        ERROR_RESPONSE,
        /** No response within the upstream's request timeout; the upstream was sent notifications/cancelled. */
        TIMEOUT,
        /** The upstream cannot be reached: process exited, connection or session lost, adapter closed. */
        UNAVAILABLE,
        /** The upstream is at its concurrency limit; the request was refused without being sent. */
        BUSY,
        /** The caller cancelled the call; the upstream was sent notifications/cancelled. */
        CANCELLED,
        /** The upstream broke the protocol (malformed answer, unsupported protocol version, endless paging). */
        PROTOCOL
    }

    private final Kind kind;
    private final Integer code;
    private final transient Object data;

    public UpstreamException(Kind kind, Integer code, String message, Object data) {
        super(message, null, false, false);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.code = code;
        this.data = data;
    }

    public UpstreamException(Kind kind, String message) {
        this(kind, null, message, null);
    }

    public static UpstreamException errorResponse(Integer code, String message, Object data) {
        return new UpstreamException(Kind.ERROR_RESPONSE, code, message, data);
    }

    /** The default answer to a server-to-client request: JSON-RPC -32601. */
    public static UpstreamException methodNotFound(String method) {
        return errorResponse(METHOD_NOT_FOUND, "Method not found: " + method, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The JSON-RPC error code for {@link Kind#ERROR_RESPONSE}, otherwise {@code null}. */
    public Integer code() {
        return code;
    }

    /** The JSON-RPC error's {@code data} (raw JSON) for {@link Kind#ERROR_RESPONSE}, otherwise {@code null}. */
    public Object data() {
        return data;
    }

    @Override
    public String toString() {
        return "UpstreamException[" + kind + (code == null ? "" : " " + code) + "]: " + getMessage();
    }
}
