package dev.warrant.gateway.console;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.warrant.gateway.approval.ClusterApprovals;
import dev.warrant.gateway.approval.PendingApproval;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Tells this member's open approval streams that the cluster's held calls changed (one opened, was decided, timed
 * out or was withdrawn, on any member). Only a nudge: each stream reads the pending list again and sends the
 * difference, so a missed or doubled nudge cannot show a wrong list.
 */
final class ApprovalFeed implements AutoCloseable {

    private final IMap<String, PendingApproval> map;
    private final Set<Runnable> subscribers = new CopyOnWriteArraySet<>();
    private final UUID listener;

    ApprovalFeed(HazelcastInstance hazelcast) {
        this.map = hazelcast.getMap(ClusterApprovals.MAP_NAME);
        this.listener = map.addEntryListener(new Nudge(), false);
    }

    /** {@code onChange} runs on a Hazelcast event thread; it must only hand off. Returns the unsubscribe action. */
    Runnable subscribe(Runnable onChange) {
        subscribers.add(onChange);
        return () -> subscribers.remove(onChange);
    }

    private void changed() {
        subscribers.forEach(Runnable::run);
    }

    @Override
    public void close() {
        try {
            map.removeEntryListener(listener);
        } catch (RuntimeException e) {
            // The member is shutting down; nothing left to listen to.
        }
    }

    private final class Nudge implements EntryAddedListener<String, PendingApproval>,
            EntryUpdatedListener<String, PendingApproval>, EntryRemovedListener<String, PendingApproval>,
            EntryExpiredListener<String, PendingApproval> {

        @Override
        public void entryAdded(com.hazelcast.core.EntryEvent<String, PendingApproval> event) {
            changed();
        }

        @Override
        public void entryUpdated(com.hazelcast.core.EntryEvent<String, PendingApproval> event) {
            changed();
        }

        @Override
        public void entryRemoved(com.hazelcast.core.EntryEvent<String, PendingApproval> event) {
            changed();
        }

        @Override
        public void entryExpired(com.hazelcast.core.EntryEvent<String, PendingApproval> event) {
            changed();
        }
    }
}
