package dev.warrant.gateway.pipeline;

/**
 * What an agent sent: every kind passes the same stages (record, authenticate, trace, session, limit) and ends
 * in its own terminal handler. Only {@link #REQUEST} is authorized against policy and forwarded.
 */
public enum MessageKind {
    /** A POSTed JSON-RPC request. */
    REQUEST("request"),
    /** A POSTed JSON-RPC notification (e.g. notifications/cancelled). */
    NOTIFICATION("notification"),
    /** A POSTed answer to a request the gateway relayed to the agent (sampling, elicitation, roots). */
    RESPONSE("response"),
    /** GET: the standalone server-to-client stream. */
    OPEN_STREAM("stream"),
    /** DELETE: the agent ends its session. */
    END_SESSION("end_session"),
    /** A POST refused before it could be read as JSON-RPC (Host, Origin, media type, body, envelope). */
    UNREADABLE("unreadable");

    private final String label;

    MessageKind(String label) {
        this.label = label;
    }

    /** The stable name used in audit lines and span names for messages that have no JSON-RPC method. */
    public String label() {
        return label;
    }
}
