package dev.warrant.gateway.record;

import dev.warrant.delegation.PrecomputedSigner;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The audit log: one JSON object per line, rotated by size ({@link RotatingFile}).
 *
 * <p>Durability: {@link #record} queues the record and returns at once; one writer thread drains the queue in
 * batches (group commit), encodes each line (off the event loop, where it was costly:
 * docs/PERFORMANCE-HISTORY.md), writes the batch with one {@code write}, and
 * {@code fsync}s when the batch holds a denial or an approval decision. Only then are the batch's futures
 * completed. {@link RecordStage} sends the response when its future completes, so:
 * every answered call is in the OS (survives a kill -9 of the gateway), and every answered denial or
 * approval is on stable storage (survives a power loss). The event loop never touches the file.
 *
 * <p>Hand-off: a record made on an event loop joins that loop's batch for the current turn, and the batch is
 * queued once, by a task that runs after the turn's I/O (so the records of every call that finished in one turn
 * travel together), so the writer wakes once per turn, not per call (docs/PERFORMANCE-HISTORY.md). Records
 * from other threads are queued at once.
 *
 * <p>Chain and checkpoints (docs/ARCHITECTURE.md §8.1): the writer chains each line to the one before it and,
 * after {@code checkpointEvery} lines or {@code checkpointInterval} with lines unsealed, and at {@link #close()},
 * appends a checkpoint signed with the member's audit key to the same write. A record handed in with
 * {@link #recordWithReceipt} gets its receipt signed here once its line reached the file, one signature for a
 * batch's receipts (§11.37). Hashing and
 * signing happen here, never on an event loop.
 *
 * <p>Concurrency: any thread may call {@link #record}; a turn's batch belongs to its event-loop thread; the
 * file, the chain and the key belong to the writer thread alone.
 */
public final class JsonLinesAuditLog implements AuditSink {

    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesAuditLog.class);
    private static final int MAX_BATCH = 512;
    /** Nonces kept ready: a burst larger than this signs its extra batches at the plain cost. */
    private static final int RECEIPT_NONCES = 256;

    /**
     * A record waiting for the writer; encoded there (the event loop only hands it off). Exactly one of
     * {@code written} and {@code receipt} is set: the latter when the caller wants the line's signed receipt.
     */
    private record Pending(AuditRecord record, CompletableFuture<Void> written, CompletableFuture<AuditReceipt> receipt) {
        void complete(AuditReceipt signed) {
            if (written != null) {
                written.complete(null);
            } else {
                receipt.complete(signed);
            }
        }
    }

    /** A line written for a caller that wants its receipt: the seq and hash it got in the chain. */
    private record Signable(Pending pending, long seq, String hash) {
    }

    private static final Pending STOP = new Pending(null, new CompletableFuture<>(), null);

    private final RotatingFile file;
    private final AuditSettings settings;
    private final AuditSeal seal;
    /** Signs receipts with nonces computed ahead, off the answer's path (docs/PERFORMANCE.md, "Receipts"); null when off. */
    private final PrecomputedSigner receiptSigner;
    /** Owned by the writer thread. */
    private final AuditChain chain;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /** The current event-loop turn's records, per event-loop thread. */
    private final ThreadLocal<List<Pending>> turn = ThreadLocal.withInitial(ArrayList::new);
    private final Thread writer;
    private volatile boolean closed;
    /** False from a failed write until a write succeeds ({@link #healthy()}). */
    private volatile boolean healthy = true;

    public JsonLinesAuditLog(Path file) throws IOException {
        this(file, AuditSettings.defaults());
    }

    /** Sealed by the audit key and member id in {@code file}'s directory, created there if missing. */
    public JsonLinesAuditLog(Path file, AuditSettings settings) throws IOException {
        this(file, settings, AuditSeal.loadOrCreate(file.toAbsolutePath().getParent()));
    }

    public JsonLinesAuditLog(Path file, AuditSettings settings, AuditSeal seal) throws IOException {
        this.settings = settings;
        this.seal = seal;
        this.chain = AuditChain.resume(file.toAbsolutePath(), seal.memberId());
        this.file = new RotatingFile(file, settings);
        // Its thread starts only once the file opened: a failed start leaves no thread behind (FailedStartTest).
        this.receiptSigner = settings.receipts() ? new PrecomputedSigner(seal.key(), RECEIPT_NONCES) : null;
        this.writer = new Thread(this::writeLoop, "warrant-audit");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public CompletionStage<Void> record(AuditRecord record) {
        if (closed) {
            LOG.warn("audit log closed; dropped a record for {}", record.method());
            return DONE;
        }
        Pending p = new Pending(record, new CompletableFuture<>(), null);
        enqueue(p);
        return p.written();
    }

    /** Signed on the writer thread once the line reached the file (docs/ARCHITECTURE.md §11.37). */
    @Override
    public CompletionStage<AuditReceipt> recordWithReceipt(AuditRecord record) {
        if (!settings.receipts()) {
            return AuditSink.super.recordWithReceipt(record);
        }
        if (closed) {
            LOG.warn("audit log closed; dropped a record for {}", record.method());
            return CompletableFuture.completedFuture(null);
        }
        Pending p = new Pending(record, null, new CompletableFuture<>());
        enqueue(p);
        return p.receipt();
    }

    private void enqueue(Pending p) {
        Context context = Context.isOnEventLoopThread() ? Vertx.currentContext() : null;
        if (context == null) {
            queue.add(p);
            return;
        }
        List<Pending> batch = turn.get();
        if (batch.isEmpty()) {
            context.runOnContext(v -> handOff(batch));
        }
        batch.add(p);
    }

    /** Queues an event-loop turn's records in one go (one wake-up of the writer at most). */
    private void handOff(List<Pending> batch) {
        List<Pending> records = List.copyOf(batch);
        batch.clear();
        if (closed) {
            LOG.warn("audit log closed; dropped {} records", records.size());
            records.forEach(p -> p.complete(null));
            return;
        }
        queue.addAll(records);
        if (closed) {
            // Lost a race with close(), which may have released the queue before these arrived.
            records.forEach(p -> p.complete(null));
        }
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        List<Signable> receipts = new ArrayList<>();
        AuditLine line = new AuditLine();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        long intervalNanos = settings.checkpointInterval().toNanos();
        long lastCheckpoint = System.nanoTime();
        while (true) {
            try {
                // With lines unsealed, wake up no later than when their checkpoint is due.
                Pending first = chain.unsealed() == 0 ? queue.take()
                        : queue.poll(Math.max(0, lastCheckpoint + intervalNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
                }
            } catch (InterruptedException e) {
                return;
            }
            boolean stop = false;
            boolean sync = false;
            bytes.reset();
            AuditChain.Mark before = chain.mark();
            for (Pending p : batch) {
                if (p == STOP) {
                    stop = true;
                    continue;
                }
                try {
                    line.write(p.record(), settings.includeArguments(), chain, bytes);
                    if (p.receipt() != null) {
                        receipts.add(new Signable(p, chain.lastSeq(), chain.prev()));
                    }
                    sync |= p.record().mustSync();
                } catch (RuntimeException e) {
                    LOG.error("cannot encode an audit record for {}: {}", p.record().method(), e.toString());
                }
            }
            boolean checkpoint = chain.unsealed() > 0 && (stop || chain.unsealed() >= settings.checkpointEvery()
                    || System.nanoTime() - lastCheckpoint >= intervalNanos);
            if (checkpoint) {
                try {
                    line.writeCheckpoint(chain, Instant.now(), seal.key(), bytes);
                } catch (RuntimeException e) {
                    LOG.error("cannot write an audit checkpoint: {}", e.toString());
                }
            }
            try {
                if (bytes.size() > 0) {
                    file.append(ByteBuffer.wrap(bytes.toByteArray()));
                    if (sync || stop) {
                        file.sync();
                    }
                    if (!healthy) {
                        healthy = true;
                        LOG.warn("audit log writable again");
                    }
                }
                // Only a line that reached the file gets a receipt; the others' receipts complete as null below.
                sign(receipts);
            } catch (IOException | RuntimeException e) {
                healthy = false;
                // The lines never reached the file: the next ones chain to the last line that did.
                chain.reset(before);
                LOG.error("audit log write failed ({} records): {}", batch.size(), e.toString());
            }
            if (checkpoint) {
                // Also after a failure: the next attempt waits an interval instead of spinning on a failing disk.
                lastCheckpoint = System.nanoTime();
            }
            batch.forEach(p -> p.complete(null));
            batch.clear();
            receipts.clear();
            if (stop) {
                return;
            }
        }
    }

    /** One signature for the batch's receipts (a Merkle root, {@link AuditReceipt}): docs/PERFORMANCE.md, "Receipts". */
    private void sign(List<Signable> receipts) {
        if (receipts.isEmpty()) {
            return;
        }
        try {
            List<AuditReceipt.Line> lines = new ArrayList<>(receipts.size());
            receipts.forEach(s -> lines.add(new AuditReceipt.Line(s.pending().record(), s.seq(), s.hash())));
            List<AuditReceipt> signed = AuditReceipt.signAll(lines, seal.memberId(), seal.key().keyId(),
                    receiptSigner::sign);
            for (int i = 0; i < receipts.size(); i++) {
                receipts.get(i).pending().complete(signed.get(i));
            }
        } catch (RuntimeException e) {
            LOG.error("cannot sign {} receipts: {}", receipts.size(), e.toString());
        }
    }

    @Override
    public boolean healthy() {
        return healthy;
    }

    /**
     * Writes everything queued so far and a checkpoint sealing it, syncs, then closes the file. An interrupt does not
     * cut this short (an unsealed tail, an open file and a signer thread would be left); it is kept for the caller.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(STOP);
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long left;
        while (writer.isAlive() && (left = deadline - System.nanoTime()) > 0) {
            try {
                writer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        try {
            if (receiptSigner != null) {
                receiptSigner.close();
            }
            file.close();
        } catch (IOException e) {
            LOG.warn("closing audit log: {}", e.toString());
        } finally {
            // A record racing with close was dropped: release whoever waits on it.
            queue.forEach(p -> p.complete(null));
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
