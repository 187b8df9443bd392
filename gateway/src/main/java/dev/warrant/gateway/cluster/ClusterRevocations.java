package dev.warrant.gateway.cluster;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.warrant.delegation.VerifiedToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Revocations shared by the cluster, with the promise: when {@link #revoke} returns, every live member denies.
 *
 * <p>How the promise is kept. {@code revoke} does three things at once and waits for all of them, up to a bounded
 * timeout: (1) it writes the entry to the Hazelcast map {@value #MAP_NAME} and waits for its synchronous
 * backups (the map is what late joiners and a healed split brain read); (2) it sends {@link ApplyRevocation} to
 * every other member of the cluster as it is at that moment; (3) it applies the entry on this member. A member
 * answers only after the entry is in its local index (so its next check denies) and appended to its journal. A
 * member that leaves meanwhile is not live and needs no answer. Once (1) has completed, the membership is read
 * again and any member that joined since the snapshot is asked too (it may have read the map before the write
 * landed); a member that joins after that re-check joined after (1) completed and loads the map before it
 * serves. Any other missing answer fails the call ({@link RevocationIncompleteException}, HTTP 503
 * {@code revocation_incomplete}); the entry then still spreads through the map listener, but nothing was
 * promised. (1)-(3) run in parallel so the critical path is the slowest of them, not the sum
 * (docs/PERFORMANCE.md, "Revocation and the cluster"; before and after: its history file).
 *
 * <p>Durability. Every member journals every entry itself (not a Hazelcast MapStore: Hazelcast calls a
 * MapStore's loadAllKeys on one member only, so node-local files would lose what that member missed while it
 * was down). The member answering the revoke fsyncs its journal before it answers; the others append before
 * they acknowledge (so kill -9 of any member loses nothing) and fsync a few milliseconds later in one group
 * commit ({@link JournalSyncer}), which keeps their disks off the revoke's critical path. On start a member
 * loads its journal, adds it to the map (put-if-absent) and reads the map back: after a full cluster restart the
 * revocation set is the union of all journals. Entries carry their expiry (the map TTL, the index sweep and
 * journal compaction all drop them once no covered token can be valid).
 *
 * <p>Split brain: the map merges with PutIfAbsent, and keys name one revocation each, so the merged set is
 * the union; members re-read the map after a merge and entries merged in arrive through the listener.
 *
 * <p>Concurrency: the per-request check reads only the local index (lock-free hash lookups, event-loop safe).
 * {@link #revoke} blocks: call it on a worker. {@link #apply} runs on Hazelcast threads (and on the revoking
 * thread) and serializes on the journal: index add, then append, under one lock, so a second apply of the same
 * entry returns only after the first one's line is written; fsyncs run outside the lock.
 */
public final class ClusterRevocations implements RevocationIndex, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterRevocations.class);
    public static final String MAP_NAME = "warrant.revocations";
    static final String EXECUTOR_NAME = "warrant.revocations";
    static final String USER_CONTEXT_KEY = "warrant.revocations";

    private final ClusterNode node;
    private final IMap<String, Revocation> map;
    private final IExecutorService executor;
    private final LocalRevocationIndex index = new LocalRevocationIndex();
    private final RevocationJournal journal;
    private final JournalSyncer syncer;
    private final Clock clock;
    private final Duration timeout;
    private final List<Consumer<Revocation>> onRevoked = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService sweeper;

    /**
     * @param journalDir where this member's journal lives (under its state dir)
     * @param timeout    how long revoke waits for every member's acknowledgement
     */
    public ClusterRevocations(ClusterNode node, Path journalDir, Clock clock, Duration timeout) {
        this.node = node;
        this.clock = clock;
        this.timeout = timeout;
        this.journal = new RevocationJournal(journalDir);
        this.syncer = new JournalSyncer(journal);
        long now = clock.millis();
        List<Revocation> journaled = new ArrayList<>();
        for (Revocation r : journal.load()) {
            if (r.expiresAtMillis() > now && index.add(r)) {
                journaled.add(r);
            }
        }
        journal.rewrite(index.snapshot());
        this.map = node.hazelcast().getMap(MAP_NAME);
        this.executor = node.hazelcast().getExecutorService(EXECUTOR_NAME);
        node.hazelcast().getUserContext().put(USER_CONTEXT_KEY, this);
        map.addEntryListener(new Listener(), true);
        unionWithMap(journaled);
        node.hazelcast().getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                // Back from a split brain: this side's data was merged into the other side's map; take the union.
                Thread t = new Thread(() -> unionWithMap(index.snapshot()), "warrant-revocations-merge");
                t.setDaemon(true);
                t.start();
            }
        });
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "warrant-revocations-sweep");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, 60, 60, TimeUnit.SECONDS);
    }

    /**
     * Blocking: returns once every live member denies what {@code revocation} covers.
     *
     * <p>One round, everything at once: the map write (with its synchronous backups), {@link ApplyRevocation} to
     * every other member, and this member's own apply (index + fsync'd journal) on the calling thread. Then a
     * membership re-check closes the only gap parallelism opens: a member that joined after the snapshot may have
     * read the map before the write landed, so it is asked explicitly; one that joins after the re-check joined
     * after the write completed, and reads it before it serves.
     *
     * @return the members that confirmed, and when the last one did
     * @throws RevocationIncompleteException when a member did not confirm within the timeout
     */
    public RevocationConfirmation revoke(Revocation revocation) throws RevocationIncompleteException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long ttl = Math.max(1, revocation.expiresAtMillis() - clock.millis());
        Cluster cluster = node.hazelcast().getCluster();
        Member self = cluster.getLocalMember();
        Set<Member> asked = new HashSet<>(cluster.getMembers());
        List<String> missing = new ArrayList<>();
        List<RevocationConfirmation.Member> confirmed = new ArrayList<>();
        RuntimeException localFailure = null;
        try {
            // This member first (microseconds): its own map listener then finds the entry present and asks for
            // no second fsync of the same line.
            add(revocation);
        } catch (RuntimeException e) {
            localFailure = e;
        }
        CompletableFuture<Void> stored = map.setAsync(revocation.key(), revocation, ttl, TimeUnit.MILLISECONDS)
                .toCompletableFuture();
        Map<Member, Future<Boolean>> acks = askOthers(revocation, asked, self);
        try {
            if (localFailure == null) {
                // On stable storage here before anyone is told it is revoked (whoever appended the line).
                journal.sync();
            }
        } catch (RuntimeException e) {
            localFailure = e;
        }
        if (localFailure != null) {
            LOG.warn("this member failed to apply revocation {}: {}", revocation.key(), localFailure.toString());
            missing.add(self.getAddress().toString());
        } else {
            confirmed.add(member(self));
        }
        try {
            stored.get(remaining(deadline), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new RevocationIncompleteException("the cluster map did not confirm the write within " + timeout);
        } catch (ExecutionException e) {
            throw new RevocationIncompleteException("the cluster map refused the write: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RevocationIncompleteException("interrupted");
        }
        while (true) {
            awaitAcks(revocation, acks, deadline, missing, confirmed);
            Set<Member> joined = new HashSet<>(cluster.getMembers());
            joined.removeAll(asked);
            if (joined.isEmpty()) {
                break;
            }
            asked.addAll(joined);
            acks = askOthers(revocation, joined, self);
        }
        if (!missing.isEmpty()) {
            throw new RevocationIncompleteException("no confirmation within " + timeout + " from member(s) " + missing);
        }
        return new RevocationConfirmation(confirmed, cluster.getMembers().size(), clock.instant());
    }

    private static RevocationConfirmation.Member member(Member m) {
        return new RevocationConfirmation.Member(m.getUuid().toString(), m.getAddress().toString());
    }

    private Map<Member, Future<Boolean>> askOthers(Revocation revocation, Set<Member> members, Member self) {
        List<Member> others = new ArrayList<>(members);
        others.remove(self);
        return others.isEmpty() ? Map.of() : executor.submitToMembers(new ApplyRevocation(revocation), others);
    }

    private static void awaitAcks(Revocation revocation, Map<Member, Future<Boolean>> acks, long deadline,
                                  List<String> missing, List<RevocationConfirmation.Member> confirmed)
            throws RevocationIncompleteException {
        for (Map.Entry<Member, Future<Boolean>> ack : acks.entrySet()) {
            try {
                ack.getValue().get(remaining(deadline), TimeUnit.NANOSECONDS);
                confirmed.add(member(ack.getKey()));
            } catch (ExecutionException e) {
                if (!left(e)) {
                    // Hazelcast may fail a member's future without a cause: report the wrapper then.
                    LOG.warn("member {} failed to apply revocation {}: {}", ack.getKey().getAddress(), revocation.key(),
                            String.valueOf(e.getCause() == null ? e : e.getCause()));
                    missing.add(ack.getKey().getAddress().toString());
                }
            } catch (TimeoutException e) {
                missing.add(ack.getKey().getAddress().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RevocationIncompleteException("interrupted");
            }
        }
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    /** A member that left (or this one shutting down) is not live: it owes no acknowledgement. */
    private static boolean left(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MemberLeftException || c instanceof TargetNotMemberException
                    || c instanceof HazelcastInstanceNotActiveException) {
                return true;
            }
        }
        return false;
    }

    /** Puts the entry into this member's index and journal (fsync'd shortly after, see {@link JournalSyncer}); idempotent. */
    void apply(Revocation r) {
        if (add(r)) {
            syncer.request();
        }
    }

    /** Index + journal line (not yet fsync'd) under the journal lock, then the listeners; true when new here. */
    private boolean add(Revocation r) {
        if (r.expiresAtMillis() <= clock.millis()) {
            return false;
        }
        boolean added;
        synchronized (journal) {
            added = index.add(r);
            if (added) {
                journal.append(r);
            }
        }
        if (added) {
            for (Consumer<Revocation> listener : onRevoked) {
                try {
                    listener.accept(r);
                } catch (RuntimeException e) {
                    LOG.warn("revocation listener failed: {}", e.toString());
                }
            }
        }
        return added;
    }

    /** Called (on a Hazelcast or internal thread) for every entry new to this member, e.g. to end sessions. */
    public void onRevoked(Consumer<Revocation> listener) {
        onRevoked.add(listener);
    }

    @Override
    public boolean isRevoked(VerifiedToken token) {
        return index.isRevoked(token);
    }

    public int size() {
        return index.size();
    }

    public int clusterSize() {
        return node.hazelcast().getCluster().getMembers().size();
    }

    private void unionWithMap(List<Revocation> ours) {
        try {
            long now = clock.millis();
            for (Revocation r : ours) {
                long ttl = r.expiresAtMillis() - now;
                if (ttl > 0) {
                    map.putIfAbsent(r.key(), r, ttl, TimeUnit.MILLISECONDS);
                }
            }
            map.values().forEach(this::apply);
        } catch (Exception e) {
            // Not fatal: every entry is in this member's own index; the others get it from their journals.
            LOG.warn("could not union revocations with the cluster map: {}", e.toString());
        }
    }

    private void sweep() {
        try {
            synchronized (journal) {
                int gone = index.removeExpired(clock.millis());
                int live = index.size();
                if (gone > 0 && journal.lines() > 2L * live + 1024) {
                    journal.rewrite(index.snapshot());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("revocation sweep failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        syncer.close();
        synchronized (journal) {
            journal.close();
        }
    }

    private final class Listener implements EntryAddedListener<String, Revocation>,
            EntryUpdatedListener<String, Revocation>, EntryMergedListener<String, Revocation> {
        @Override
        public void entryAdded(EntryEvent<String, Revocation> event) {
            apply(event.getValue());
        }

        @Override
        public void entryUpdated(EntryEvent<String, Revocation> event) {
            apply(event.getValue());
        }

        @Override
        public void entryMerged(EntryEvent<String, Revocation> event) {
            if (event.getValue() != null) {
                apply(event.getValue());
            }
        }
    }
}
