package dev.warrant.gateway.record;

/**
 * Where decisions are recorded. Implementations must be fast and never throw into the request path
 * (DESIGN §12.8); the default does nothing.
 */
public interface AuditSink extends AutoCloseable {

    void record(AuditRecord record);

    @Override
    default void close() {
    }

    AuditSink NONE = record -> { };
}
