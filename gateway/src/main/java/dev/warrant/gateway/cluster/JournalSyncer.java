package dev.warrant.gateway.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Forces this member's journal to disk shortly after entries are appended, one fsync for everything appended
 * since the last one (group commit). Used for entries this member acknowledges on another member's behalf:
 * the member that answers the revoke forces its own journal before it answers, so the entry is on stable
 * storage somewhere before anyone is told it is revoked, and everywhere a few milliseconds later.
 *
 * <p>Concurrency: one daemon thread; {@link #request} never blocks. The thread is woken, never interrupted: an
 * interrupt during {@code force} would close the journal's channel.
 */
final class JournalSyncer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JournalSyncer.class);

    private final RevocationJournal journal;
    private final Semaphore pending = new Semaphore(0);
    private final Thread thread;
    private volatile boolean running = true;

    JournalSyncer(RevocationJournal journal) {
        this.journal = journal;
        this.thread = new Thread(this::run, "warrant-revocations-fsync");
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks for an fsync of everything appended so far. */
    void request() {
        pending.release();
    }

    private void run() {
        while (running) {
            try {
                pending.acquire();
            } catch (InterruptedException e) {
                return;
            }
            pending.drainPermits();
            sync();
        }
    }

    private void sync() {
        try {
            journal.sync();
        } catch (UncheckedIOException e) {
            LOG.warn("revocation journal fsync failed: {}", e.getCause().toString());
        }
    }

    /** Stops the thread after a last fsync. */
    @Override
    public void close() {
        running = false;
        pending.release();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sync();
    }
}
