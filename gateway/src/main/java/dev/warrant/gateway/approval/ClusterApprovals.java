package dev.warrant.gateway.approval;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Pending approvals in the cluster (docs/ARCHITECTURE.md §4.3): any member lists them and resolves them; the member holding the
 * call hears about the decision through an entry listener and settles the call itself.
 *
 * <p>Settling is always "remove the entry and look at what was removed": whichever of approval, denial, timeout
 * or withdrawal reaches the entry first decides, and the call's outcome always matches what the map held.
 *
 * <p>Concurrency: every map operation is a cluster round trip and runs on a worker thread, never on the event
 * loop. Listener callbacks arrive on Hazelcast's event threads; waiters hop back to their own context.
 */
public final class ClusterApprovals implements AutoCloseable {

    public static final String MAP_NAME = "warrant-approvals";
    /** An entry outlives its timeout by this much, so a member that crashed while holding leaves no debris. */
    private static final long TTL_SLACK_MILLIS = 60_000;

    private final Vertx vertx;
    private final IMap<String, PendingApproval> map;
    private final Map<String, Consumer<PendingApproval>> waiters = new ConcurrentHashMap<>();
    private final UUID listener;

    public ClusterApprovals(Vertx vertx, HazelcastInstance hazelcast) {
        this.vertx = vertx;
        this.map = hazelcast.getMap(MAP_NAME);
        this.listener = map.addEntryListener((EntryUpdatedListener<String, PendingApproval>) event -> {
            Consumer<PendingApproval> waiter = waiters.get(event.getKey());
            if (waiter != null && event.getValue() != null
                    && event.getValue().status() != PendingApproval.Status.PENDING) {
                waiter.accept(event.getValue());
            }
        }, true);
    }

    /** Publishes a held call; {@code onDecided} runs (on a Hazelcast thread) when an approver resolves it. */
    Future<Void> open(PendingApproval pending, Consumer<PendingApproval> onDecided) {
        waiters.put(pending.id(), onDecided);
        long ttl = Math.max(1, pending.expiresAtMillis() - pending.createdAtMillis()) + TTL_SLACK_MILLIS;
        return vertx.executeBlocking(() -> {
            map.put(pending.id(), pending, ttl, TimeUnit.MILLISECONDS);
            return null;
        }, false);
    }

    /** Removes the entry; the removed value (null when already gone) says how the call ends. */
    Future<PendingApproval> settle(String id) {
        waiters.remove(id);
        return vertx.executeBlocking(() -> map.remove(id), false);
    }

    /** Pending approvals across the cluster, oldest first. */
    public Future<List<PendingApproval>> pending() {
        return vertx.executeBlocking(() -> map.values().stream()
                .filter(p -> p.status() == PendingApproval.Status.PENDING)
                .sorted(Comparator.comparingLong(PendingApproval::createdAtMillis))
                .toList(), false);
    }

    /**
     * Approves or denies a pending call. Compare-and-set on the entry: a call already decided, withdrawn or timed
     * out answers {@link Reason#APPROVAL_UNKNOWN} instead of pretending the decision took effect.
     */
    public Future<PendingApproval> resolve(String id, PendingApproval.Status outcome, String approver, String reason) {
        return vertx.executeBlocking(() -> {
            PendingApproval current = map.get(id);
            if (current == null || current.status() != PendingApproval.Status.PENDING) {
                throw WarrantException.of(Reason.APPROVAL_UNKNOWN, id);
            }
            PendingApproval decided = current.resolved(outcome, approver, reason);
            if (!map.replace(id, current, decided)) {
                throw WarrantException.of(Reason.APPROVAL_UNKNOWN, id);
            }
            return decided;
        }, false);
    }

    @Override
    public void close() {
        try {
            map.removeEntryListener(listener);
        } catch (RuntimeException e) {
            // The member is shutting down anyway; nothing left to listen to.
        }
    }
}
