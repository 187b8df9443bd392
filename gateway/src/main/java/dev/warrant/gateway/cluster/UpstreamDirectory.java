package dev.warrant.gateway.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiPredicate;
import java.util.function.Consumer;

/**
 * The upstreams tool providers registered through the admin API, shared by the cluster and durable. Two
 * Hazelcast maps, each with a copy on every member (see ClusterNode): {@value #MAP_NAME} (name to
 * {@link UpstreamRegistration}) and {@value #REMOVED_MAP_NAME} (name to {@link UpstreamRemoval}, a tombstone
 * kept {@link #REMOVAL_TTL}). Which registration is in force is decided by last-writer-wins per name, removals
 * included ({@link UpstreamState}): a registration is in force iff it is newer than any tombstone of its name.
 * Every member merges what it learns into its {@link UpstreamLedger} (memory + {@code <stateDir>/cluster/}
 * {@value UpstreamJournal#FILE}) and connects or disconnects the upstream locally, so a registration made on
 * one node serves on all of them.
 *
 * <p>Consistency: eventual. A member learns of a change through the maps' entry events (usually within
 * milliseconds). The member answering an admin call writes the maps, then its own journal with an fsync,
 * before it answers; the others journal what they learn and fsync a few milliseconds later.
 *
 * <p>Durability and merges: on start, and again after a split brain heals (Hazelcast's MERGED event), a member
 * {@linkplain #reconcile reconciles}: it offers what its journal knows to the maps by the same rule (a
 * registration only if newer than the map's, a tombstone likewise), reads both maps back, and removes a map
 * entry a newer tombstone covers. So after a full cluster restart every registration that was in force is in
 * force again and nothing removed comes back; after a split brain the newer write wins on either side. The
 * maps themselves merge put-if-absent, which may keep the wrong side's entry for a moment: the reconciliation
 * of the members that come back fixes it. A member offline for longer than {@link #REMOVAL_TTL} should start
 * with an empty journal, or a removal it missed may come back (as with any tombstone scheme).
 *
 * <p>Clocks: see {@link UpstreamState}; the admin calls' stamps never depend on members' clocks agreeing.
 *
 * <p>Concurrency: {@link #register}, {@link #remove} and {@link #withdraw} block (Hazelcast calls and an fsync):
 * call them on a worker. Entry events run on Hazelcast event threads and only touch the ledger.
 */
public final class UpstreamDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamDirectory.class);
    public static final String MAP_NAME = "warrant.upstreams";
    public static final String REMOVED_MAP_NAME = "warrant.upstreams.removed";
    /** How long a removal is remembered (map TTL and journal compaction). */
    public static final Duration REMOVAL_TTL = Duration.ofDays(30);
    /** Retries when concurrent writes of the same name keep replacing the entry a write was based on. */
    private static final int CAS_ATTEMPTS = 16;

    /** What a member does with the registrations in force. */
    public interface Listener {
        void registered(UpstreamRegistration registration);

        void removed(String name);

        /** Everything in force: apply every entry and drop every registration not in it. */
        void sync(Collection<UpstreamRegistration> all);
    }

    /** A registration as stored (its stamp may have moved forward), and whether it replaced one in force. */
    public record Registered(UpstreamRegistration registration, boolean replaced) {
    }

    private final ClusterNode node;
    private final IMap<String, UpstreamRegistration> map;
    private final IMap<String, UpstreamRemoval> removed;
    private final UpstreamLedger ledger;
    private final Clock clock;
    private UUID entryListener;
    private UUID removalListener;
    private UUID lifecycleListener;

    /** @param journalDir where this member's journal lives (under its state dir) */
    public UpstreamDirectory(ClusterNode node, Path journalDir, Clock clock) {
        this.node = node;
        this.clock = clock;
        this.map = node.hazelcast().getMap(MAP_NAME);
        this.removed = node.hazelcast().getMap(REMOVED_MAP_NAME);
        this.ledger = new UpstreamLedger(journalDir, clock.millis(), REMOVAL_TTL);
    }

    /**
     * Reconciles this member's journal with the cluster, then delivers what is in force to {@code listener}
     * and every change after that. Blocking; call once.
     */
    public void listen(Listener listener) {
        ledger.listen(listener);
        entryListener = map.addEntryListener(new Events<UpstreamRegistration>(ledger::learn), true);
        removalListener = removed.addEntryListener(new Events<UpstreamRemoval>(ledger::learn), true);
        reconcile();
        ledger.resync();
        lifecycleListener = node.hazelcast().getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                // Back from a split brain: this side's writes may have lost the put-if-absent merge.
                Thread t = new Thread(() -> {
                    try {
                        reconcile();
                        ledger.resync();
                    } catch (RuntimeException e) {
                        LOG.warn("could not reconcile upstream registrations after a merge: {}", e.toString());
                    }
                }, "warrant-upstreams-merge");
                t.setDaemon(true);
                t.start();
            }
        });
    }

    /**
     * The LWW reconciliation: this member's knowledge into the maps, the maps into this member, then no map entry
     * left that a tombstone covers. Idempotent, and safe to run on several members at once (every write is a
     * compare-and-set that only ever moves an entry forward).
     */
    void reconcile() {
        for (UpstreamState s : ledger.states()) {
            if (s.removal() != null) {
                offer(removed, s.removal().name(), s.removal(), UpstreamState::newer);
            }
            s.inForce().ifPresent(r -> offer(map, r.name(), r, UpstreamState::newer));
        }
        removed.values().forEach(ledger::learn);
        map.values().forEach(ledger::learn);
        for (UpstreamState s : ledger.states()) {
            if (s.removal() != null) {
                dropCovered(s.removal());
            }
        }
        ledger.requestSync();
    }

    /**
     * Registers (or replaces) the name. The stored registration is stamped strictly after the name's current
     * registration and tombstone, whatever this member's clock says. Blocking; journaled and fsync'd here
     * before it returns.
     */
    public Registered register(UpstreamRegistration request) {
        String name = request.name();
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            // The registration first, then the tombstone: a removal writes its tombstone before it removes the
            // registration, so a registration that no longer finds the old entry finds the tombstone.
            UpstreamRegistration previous = map.get(name);
            UpstreamRemoval tombstone = removed.get(name);
            UpstreamState known = ledger.state(name).merge(new UpstreamState(previous, tombstone));
            UpstreamRegistration r = request.restamped(known.nextStamp(clock.millis()));
            boolean written = previous == null ? map.putIfAbsent(name, r) == null : map.replace(name, previous, r);
            if (written) {
                ledger.learn(r);
                ledger.sync();
                return new Registered(r, known.inForce().isPresent());
            }
        }
        throw new IllegalStateException("concurrent registrations of '" + name + "' kept replacing each other");
    }

    /**
     * Removes the name: a tombstone stamped no earlier than the registration it removes, then the entry.
     * Blocking; journaled and fsync'd here before it returns. Empty when nothing was in force.
     */
    public Optional<UpstreamRegistration> remove(String name) {
        UpstreamRegistration current = map.get(name);
        UpstreamState known = ledger.state(name).merge(new UpstreamState(current, removed.get(name)));
        Optional<UpstreamRegistration> inForce = known.inForce();
        if (inForce.isEmpty()) {
            return Optional.empty();
        }
        UpstreamRemoval tombstone = UpstreamRemoval.of(inForce.get(), clock.millis());
        record(tombstone);
        return inForce;
    }

    /**
     * Removes exactly this registration (a newer one of the same name stays): its tombstone carries its own
     * stamp, which every later registration exceeds. Blocking. True when it was still registered.
     */
    public boolean withdraw(UpstreamRegistration registration) {
        boolean present = registration.equals(map.get(registration.name()));
        record(new UpstreamRemoval(registration.name(), registration.registeredAtMillis(), registration.id()));
        return present;
    }

    private void record(UpstreamRemoval tombstone) {
        offer(removed, tombstone.name(), tombstone, UpstreamState::newer);
        dropCovered(tombstone);
        ledger.learn(tombstone);
        ledger.sync();
    }

    /** This member's view of every registration in force (no cluster call). */
    public Collection<UpstreamRegistration> all() {
        return ledger.inForce();
    }

    /** Puts {@code value} unless the map holds one at least as new; true when written. */
    private static <V> boolean offer(IMap<String, V> target, String key, V value, BiPredicate<V, V> newer) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            V current = target.get(key);
            if (current == null) {
                if (target.putIfAbsent(key, value) == null) {
                    return true;
                }
            } else if (!newer.test(value, current)) {
                return false;
            } else if (target.replace(key, current, value)) {
                return true;
            }
        }
        LOG.warn("{} {}: gave up after {} concurrent replacements", target.getName(), key, CAS_ATTEMPTS);
        return false;
    }

    /** Removes the name's map entry while the tombstone covers it. */
    private void dropCovered(UpstreamRemoval tombstone) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            UpstreamRegistration current = map.get(tombstone.name());
            if (!UpstreamState.covers(tombstone, current) || map.remove(tombstone.name(), current)) {
                return;
            }
        }
    }

    @Override
    public void close() {
        try {
            if (entryListener != null) {
                map.removeEntryListener(entryListener);
            }
            if (removalListener != null) {
                removed.removeEntryListener(removalListener);
            }
            if (lifecycleListener != null) {
                node.hazelcast().getLifecycleService().removeLifecycleListener(lifecycleListener);
            }
        } catch (RuntimeException e) {
            LOG.debug("closing the upstream directory: {}", e.toString());
        }
        ledger.close();
    }

    /**
     * A map's additions, updates and merges, into the ledger. Removals of registration entries are not events
     * here: every removal writes a tombstone first, and the tombstone's event is what counts.
     */
    private final class Events<V> implements EntryAddedListener<String, V>, EntryUpdatedListener<String, V>,
            EntryMergedListener<String, V> {

        private final Consumer<V> learn;

        Events(Consumer<V> learn) {
            this.learn = learn;
        }

        @Override
        public void entryAdded(EntryEvent<String, V> event) {
            learn(event.getValue());
        }

        @Override
        public void entryUpdated(EntryEvent<String, V> event) {
            learn(event.getValue());
        }

        @Override
        public void entryMerged(EntryEvent<String, V> event) {
            learn(event.getValue());
        }

        private void learn(V value) {
            if (value != null) {
                learn.accept(value);
                ledger.requestSync();
            }
        }
    }
}
