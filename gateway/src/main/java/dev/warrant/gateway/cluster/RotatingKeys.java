package dev.warrant.gateway.cluster;

import com.hazelcast.map.IMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sealing keys rotated through the cluster (docs/ARCHITECTURE.md §5.5): time is cut into epochs of
 * {@code period}; each epoch's key is created by whichever member asks first ({@code putIfAbsent} on the map of
 * shared secrets, atomic on its partition owner, so every member gets the same key) and texts sealed under it
 * open for {@code retained} epochs. A background thread keeps this member's local copy of the current, the next
 * and the retained keys, so sealing and opening read only memory; the next epoch's key is fetched ahead, so at an
 * epoch's turn every member already holds it.
 */
public final class RotatingKeys implements SealingKeys, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RotatingKeys.class);

    private final IMap<String, byte[]> shared;
    private final String name;
    private final long periodMillis;
    private final int retained;
    private final Clock clock;
    private final Map<Long, byte[]> local = new ConcurrentHashMap<>();
    private final ScheduledExecutorService refresher;
    private final SecureRandom random = new SecureRandom();

    /**
     * Blocks until this member holds the current and next keys (call it while starting).
     *
     * @param retained how many epochs a text stays openable, the current one included (at least 2, so a text
     *                 sealed just before an epoch's turn still opens after it)
     */
    public RotatingKeys(ClusterNode node, String name, Duration period, int retained, Clock clock) {
        if (period.toMillis() < 1000 || retained < 2) {
            throw new IllegalArgumentException("a key period of at least 1 s and at least 2 retained epochs");
        }
        this.shared = node.hazelcast().getMap(ClusterNode.SHARED_KEYS);
        this.name = name;
        this.periodMillis = period.toMillis();
        this.retained = retained;
        this.clock = clock;
        refresh();
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "warrant-sealing-keys-" + name);
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(200, Math.min(periodMillis / 10, 60_000));
        refresher.scheduleWithFixedDelay(this::refreshQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public Key current() {
        long epoch = epoch();
        byte[] key = local.get(epoch);
        if (key != null) {
            return new Key(epoch, key);
        }
        // The refresher fell a whole period behind (a stalled cluster): keep sealing with the newest key held.
        long newest = local.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
        return new Key(newest, local.get(newest));
    }

    @Override
    public byte[] find(long epoch) {
        return epoch > epoch() - retained ? local.get(epoch) : null;
    }

    /** Fetches (or creates) the keys of the retained epochs and the next one; forgets older ones. Blocking. */
    void refresh() {
        long now = epoch();
        for (long e = now - retained + 1; e <= now + 1; e++) {
            long epoch = e;
            if (!local.containsKey(epoch)) {
                byte[] fresh = new byte[32];
                random.nextBytes(fresh);
                // The map forgets a key once no member can need it.
                byte[] existing = shared.putIfAbsent(name + "@" + epoch, fresh, (retained + 2L) * periodMillis,
                        TimeUnit.MILLISECONDS);
                local.put(epoch, existing == null ? fresh : existing);
            }
        }
        local.keySet().removeIf(e -> e <= now - retained);
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("sealing keys for {} not refreshed ({}); the held keys keep serving", name, e.toString());
        }
    }

    private long epoch() {
        return Math.floorDiv(clock.millis(), periodMillis);
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
