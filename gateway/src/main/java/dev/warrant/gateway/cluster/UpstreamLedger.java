package dev.warrant.gateway.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * This member's knowledge of the upstream registry, by the last-writer-wins rule of {@link UpstreamState}, kept
 * in memory and in its {@link UpstreamJournal}. Whatever changes which registration is in force for a name is
 * passed on to the listener (connect / disconnect), in the order learned.
 *
 * <p>Durability: every fact learned is appended before {@link #learn} returns (kill -9 safe); {@link #sync}
 * forces it to disk (the member answering the admin call, before it answers); {@link #requestSync} does so
 * shortly after on a thread of its own (facts learned from the cluster's events).
 *
 * <p>Concurrency: one lock around state, journal and listener calls (the listener never blocks), so a name's
 * changes reach the listener in the order they were merged.
 */
final class UpstreamLedger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamLedger.class);

    private final Map<String, UpstreamState> states = new HashMap<>();
    private final UpstreamJournal journal;
    private final ExecutorService syncer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "warrant-upstreams-fsync");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean syncPending = new AtomicBoolean();
    private UpstreamDirectory.Listener listener;

    /**
     * Loads and compacts the journal: a registration a tombstone covers is dropped (it can never be in force
     * again), then tombstones older than {@code removalTtl} (as the cluster map forgets them too).
     */
    UpstreamLedger(Path dir, long nowMillis, Duration removalTtl) {
        this.journal = new UpstreamJournal(dir);
        long oldest = nowMillis - removalTtl.toMillis();
        journal.load().forEach((name, s) -> {
            UpstreamRegistration r = s.inForce().orElse(null);
            UpstreamRemoval t = s.removal() != null && s.removal().removedAtMillis() >= oldest ? s.removal() : null;
            if (r != null || t != null) {
                states.put(name, new UpstreamState(r, t));
            }
        });
        journal.rewrite(states.values());
    }

    synchronized void listen(UpstreamDirectory.Listener listener) {
        this.listener = listener;
    }

    /** Merges a registration; true when it was new here (then it is journaled, not yet fsync'd). */
    boolean learn(UpstreamRegistration r) {
        return change(r.name(), s -> s.with(r), () -> journal.append(r));
    }

    /** Merges a tombstone; true when it was new here (then it is journaled, not yet fsync'd). */
    boolean learn(UpstreamRemoval t) {
        return change(t.name(), s -> s.with(t), () -> journal.append(t));
    }

    private synchronized boolean change(String name, java.util.function.UnaryOperator<UpstreamState> merge,
                                        Runnable append) {
        UpstreamState before = states.getOrDefault(name, UpstreamState.UNKNOWN);
        UpstreamState after = merge.apply(before);
        if (after.equals(before)) {
            return false;
        }
        append.run();
        states.put(name, after);
        Optional<UpstreamRegistration> was = before.inForce();
        Optional<UpstreamRegistration> now = after.inForce();
        if (listener != null && !now.equals(was)) {
            try {
                if (now.isPresent()) {
                    listener.registered(now.get());
                } else {
                    listener.removed(name);
                }
            } catch (RuntimeException e) {
                LOG.warn("upstream {}: listener failed: {}", name, e.toString());
            }
        }
        return true;
    }

    /** Hands the listener every registration in force (it drops the rest), under the lock: no event overtakes it. */
    synchronized void resync() {
        if (listener != null) {
            listener.sync(inForce());
        }
    }

    synchronized UpstreamState state(String name) {
        return states.getOrDefault(name, UpstreamState.UNKNOWN);
    }

    synchronized List<UpstreamState> states() {
        return List.copyOf(states.values());
    }

    synchronized List<UpstreamRegistration> inForce() {
        return states.values().stream().flatMap(s -> s.inForce().stream()).toList();
    }

    /** Forces everything journaled so far to disk, now. */
    void sync() {
        journal.sync();
    }

    /** Forces everything journaled so far to disk shortly (one fsync for a burst). */
    void requestSync() {
        if (syncPending.compareAndSet(false, true)) {
            try {
                syncer.execute(() -> {
                    syncPending.set(false);
                    try {
                        journal.sync();
                    } catch (UncheckedIOException e) {
                        LOG.warn("upstream journal fsync failed: {}", e.getCause().toString());
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                syncPending.set(false);
            }
        }
    }

    @Override
    public void close() {
        // Never shutdownNow: an interrupt during force() would close the journal's channel.
        syncer.shutdown();
        try {
            syncer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            try {
                journal.sync();
            } catch (UncheckedIOException e) {
                LOG.warn("upstream journal fsync failed: {}", e.getCause().toString());
            }
            journal.close();
        }
    }
}
