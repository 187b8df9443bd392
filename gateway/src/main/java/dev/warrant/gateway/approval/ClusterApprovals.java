package dev.warrant.gateway.approval;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Pending approvals in the cluster (docs/ARCHITECTURE.md §4.3): any member lists them and resolves them; the member holding the
 * call hears about the decision through an entry listener and settles the call itself.
 *
 * <p>Settling is always "remove the entry and look at what was removed": whichever of approval, denial, timeout
 * or withdrawal reaches the entry first decides, and the call's outcome always matches what the map held.
 *
 * <p>Anyone on any member may follow the held calls ({@link #onChange}): the console's live page does.
 *
 * <p>Concurrency: every map operation is a cluster round trip and runs on a worker thread, never on the event
 * loop. Listener callbacks arrive on Hazelcast's event threads; waiters and subscribers hop to their own context.
 */
public final class ClusterApprovals implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterApprovals.class);

    public static final String MAP_NAME = "warrant-approvals";
    /** An entry outlives its timeout by this much, so a member that crashed while holding leaves no debris. */
    private static final long TTL_SLACK_MILLIS = 60_000;

    private final Vertx vertx;
    private final IMap<String, PendingApproval> map;
    private final Map<String, Consumer<PendingApproval>> waiters = new ConcurrentHashMap<>();
    private final Set<Subscriber> subscribers = new CopyOnWriteArraySet<>();
    private final UUID listener;

    /** A registration made by {@link #onChange}; closing it stops the events (idempotent). */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** One subscription; identity, not value, equality: the same listener may subscribe twice. */
    private static final class Subscriber {
        private final Context context;
        private final Consumer<ApprovalEvent> listener;

        Subscriber(Context context, Consumer<ApprovalEvent> listener) {
            this.context = context;
            this.listener = listener;
        }

        Context context() {
            return context;
        }

        Consumer<ApprovalEvent> listener() {
            return listener;
        }
    }

    public ClusterApprovals(Vertx vertx, HazelcastInstance hazelcast) {
        this.vertx = vertx;
        this.map = hazelcast.getMap(MAP_NAME);
        this.listener = map.addEntryListener(new Changes(), true);
    }

    /** Hears every change of the map, on every member: the holder's waiter, then each subscriber. */
    private final class Changes implements EntryAddedListener<String, PendingApproval>,
            EntryUpdatedListener<String, PendingApproval>, EntryRemovedListener<String, PendingApproval>,
            EntryExpiredListener<String, PendingApproval> {

        @Override
        public void entryAdded(EntryEvent<String, PendingApproval> event) {
            publish(ApprovalEvent.Kind.OPENED, event.getValue());
        }

        @Override
        public void entryUpdated(EntryEvent<String, PendingApproval> event) {
            Consumer<PendingApproval> waiter = waiters.get(event.getKey());
            if (waiter != null && event.getValue() != null
                    && event.getValue().status() != PendingApproval.Status.PENDING) {
                waiter.accept(event.getValue());
            }
            publish(ApprovalEvent.Kind.DECIDED, event.getValue());
        }

        @Override
        public void entryRemoved(EntryEvent<String, PendingApproval> event) {
            publish(ApprovalEvent.Kind.REMOVED, event.getOldValue());
        }

        @Override
        public void entryExpired(EntryEvent<String, PendingApproval> event) {
            publish(ApprovalEvent.Kind.EXPIRED, event.getOldValue());
        }
    }

    private void publish(ApprovalEvent.Kind kind, PendingApproval approval) {
        if (approval == null || subscribers.isEmpty()) {
            return;
        }
        ApprovalEvent event = new ApprovalEvent(kind, approval);
        for (Subscriber s : subscribers) {
            // Off Hazelcast's event thread: a slow subscriber must not hold up the cluster's other events.
            s.context().runOnContext(v -> {
                if (!subscribers.contains(s)) {
                    return;
                }
                try {
                    s.listener().accept(event);
                } catch (RuntimeException e) {
                    LOG.warn("an approvals subscriber failed on {} of {}", kind, event.id(), e);
                }
            });
        }
    }

    /**
     * Calls {@code listener} for every held call opened, decided, removed or expired anywhere in the cluster,
     * from now until the subscription is closed. It runs on the Vert.x context that subscribed (the caller's
     * event loop when subscribed from a handler), one event at a time, in the order this member heard them for
     * each approval. Combine with {@link #pending()} for the calls held before subscribing.
     */
    public Subscription onChange(Consumer<ApprovalEvent> listener) {
        Subscriber subscriber = new Subscriber(vertx.getOrCreateContext(), java.util.Objects.requireNonNull(listener));
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
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
     * Approves or denies a pending call, with the approver's reason (null for none; checked by
     * {@link DecisionReason}). Compare-and-set on the entry: a call already decided, withdrawn or timed out answers
     * {@link Reason#APPROVAL_UNKNOWN} instead of pretending the decision took effect.
     */
    public Future<PendingApproval> resolve(String id, PendingApproval.Status outcome, String approver, String reason) {
        if (outcome == PendingApproval.Status.PENDING) {
            throw new IllegalArgumentException("a decision is APPROVED or DENIED");
        }
        String checked;
        try {
            checked = DecisionReason.check(reason);
        } catch (WarrantException e) {
            return Future.failedFuture(e);
        }
        return vertx.executeBlocking(() -> {
            PendingApproval current = map.get(id);
            if (current == null || current.status() != PendingApproval.Status.PENDING) {
                throw WarrantException.of(Reason.APPROVAL_UNKNOWN, id);
            }
            PendingApproval decided = current.resolved(outcome, approver, checked);
            if (!map.replace(id, current, decided)) {
                throw WarrantException.of(Reason.APPROVAL_UNKNOWN, id);
            }
            return decided;
        }, false);
    }

    @Override
    public void close() {
        subscribers.clear();
        try {
            map.removeEntryListener(listener);
        } catch (RuntimeException e) {
            // The member is shutting down anyway; nothing left to listen to.
        }
    }
}
