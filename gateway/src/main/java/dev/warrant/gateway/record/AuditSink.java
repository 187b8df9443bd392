package dev.warrant.gateway.record;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where decisions are recorded. {@link #record} never throws and never blocks the caller: it hands the record
 * off and returns a stage that completes once the record is as durable as the sink promises (for
 * {@link JsonLinesAuditLog}: written to the OS for every record, fsync'd for {@link AuditRecord#mustSync()}).
 * The stage always completes normally: a write failure is logged, it never turns into a different answer
 * for the agent. {@link RecordStage} answers only after the stage completes. The default does nothing.
 */
public interface AuditSink extends AutoCloseable {

    CompletionStage<Void> record(AuditRecord record);

    /**
     * As {@link #record}, and the stage's value is the line's signed receipt (docs/ARCHITECTURE.md §11.37), or null
     * when this sink keeps no chain, receipts are off ({@code audit.receipts}) or the line did not reach the file.
     * Signed off the caller's thread. The default gives no receipt.
     */
    default CompletionStage<AuditReceipt> recordWithReceipt(AuditRecord record) {
        return record(record).thenApply(written -> null);
    }

    /**
     * False while records cannot be written (the last write failed); {@link RecordStage} then refuses requests
     * if configured to. The refusals are recorded too, so the first write that succeeds ends them.
     */
    default boolean healthy() {
        return true;
    }

    @Override
    default void close() {
    }

    CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    AuditSink NONE = record -> DONE;
}
