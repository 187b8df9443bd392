package dev.warrant.gateway.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * The upstreams tool providers registered through the admin API, shared by the cluster: the Hazelcast map
 * {@value #MAP_NAME} (name to {@link UpstreamRegistration}), with a copy on every member (see ClusterNode).
 * Every member listens and connects or disconnects the upstream locally, so a registration made on one node
 * serves on all of them.
 *
 * <p>Consistency: eventual. A member learns of a change through the map's entry events (usually within
 * milliseconds); a member that joins, or comes back from a split brain, reads the whole map ({@link
 * Listener#sync}). After a split brain the map merges put-if-absent: an entry both sides changed keeps the
 * larger side's version, and a removal made on one side only can come back; re-issue it.
 *
 * <p>Not journaled (unlike revocations): registrations survive the loss of members, not a full cluster
 * restart. A registration is something its provider can repeat; static config is the durable way.
 *
 * <p>Concurrency: listener callbacks run on Hazelcast event threads and must return quickly.
 */
public final class UpstreamDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamDirectory.class);
    public static final String MAP_NAME = "warrant.upstreams";

    /** What a member does with the registrations. */
    public interface Listener {
        void registered(UpstreamRegistration registration);

        void removed(String name);

        /** The whole map: apply every entry and drop every registration not in it. */
        void sync(Collection<UpstreamRegistration> all);
    }

    private final ClusterNode node;
    private final IMap<String, UpstreamRegistration> map;
    private UUID entryListener;
    private UUID lifecycleListener;

    public UpstreamDirectory(ClusterNode node) {
        this.node = node;
        this.map = node.hazelcast().getMap(MAP_NAME);
    }

    /** Starts delivering changes to {@code listener}, beginning with the current contents. Call once. */
    public void listen(Listener listener) {
        entryListener = map.addEntryListener(new Events(listener), true);
        listener.sync(List.copyOf(map.values()));
        lifecycleListener = node.hazelcast().getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                Thread t = new Thread(() -> {
                    try {
                        listener.sync(List.copyOf(map.values()));
                    } catch (RuntimeException e) {
                        LOG.warn("could not re-read upstream registrations after a merge: {}", e.toString());
                    }
                }, "warrant-upstreams-merge");
                t.setDaemon(true);
                t.start();
            }
        });
    }

    public CompletionStage<Void> put(UpstreamRegistration registration) {
        return map.setAsync(registration.name(), registration);
    }

    /** Removes the name; completes with the registration removed, or empty when there was none. */
    public CompletionStage<Optional<UpstreamRegistration>> remove(String name) {
        return map.removeAsync(name).thenApply(Optional::ofNullable);
    }

    /** Removes the registration only if it is still this one (not replaced meanwhile). Blocking. */
    public boolean withdraw(UpstreamRegistration registration) {
        return map.remove(registration.name(), registration);
    }

    public CompletionStage<Optional<UpstreamRegistration>> get(String name) {
        return map.getAsync(name).thenApply(Optional::ofNullable);
    }

    /** This member's view of every registration (reads the map: call off the event loop). */
    public Collection<UpstreamRegistration> all() {
        return List.copyOf(map.values());
    }

    @Override
    public void close() {
        try {
            if (entryListener != null) {
                map.removeEntryListener(entryListener);
            }
            if (lifecycleListener != null) {
                node.hazelcast().getLifecycleService().removeLifecycleListener(lifecycleListener);
            }
        } catch (RuntimeException e) {
            LOG.debug("closing the upstream directory: {}", e.toString());
        }
    }

    private static final class Events implements EntryAddedListener<String, UpstreamRegistration>,
            EntryUpdatedListener<String, UpstreamRegistration>, EntryRemovedListener<String, UpstreamRegistration>,
            EntryMergedListener<String, UpstreamRegistration> {

        private final Listener listener;

        Events(Listener listener) {
            this.listener = listener;
        }

        @Override
        public void entryAdded(EntryEvent<String, UpstreamRegistration> event) {
            listener.registered(event.getValue());
        }

        @Override
        public void entryUpdated(EntryEvent<String, UpstreamRegistration> event) {
            listener.registered(event.getValue());
        }

        @Override
        public void entryRemoved(EntryEvent<String, UpstreamRegistration> event) {
            listener.removed(event.getKey());
        }

        @Override
        public void entryMerged(EntryEvent<String, UpstreamRegistration> event) {
            if (event.getValue() != null) {
                listener.registered(event.getValue());
            }
        }
    }
}
