package dev.warrant.gateway.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.warrant.delegation.VerifiedToken;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Revocations shared by the cluster.
 *
 * <p>Source of truth: the Hazelcast map {@value #MAP_NAME} (synchronously backed up). Request path: a local
 * hash set mirrored from the map, so the per-request check is one lookup per block and never a network call
 * from the event loop.
 *
 * <p>Concurrency and the promise: {@link #revoke} blocks (call it on a worker) until the map write is
 * acknowledged and the local set holds the id, so this node denies as soon as revoke returns. Other members
 * learn through the entry listener, asynchronously (milliseconds on loopback); the cluster-wide
 * "every member denies when revoke returns" promise is the subject of issue 6 and is not claimed here.
 */
public final class ClusterRevocations implements RevocationIndex {

    public static final String MAP_NAME = "warrant.revocations";

    private final IMap<String, Revocation> map;
    private final Set<String> local = ConcurrentHashMap.newKeySet();

    public ClusterRevocations(ClusterNode node) {
        this.map = node.hazelcast().getMap(MAP_NAME);
        Listener listener = new Listener();
        map.addEntryListener(listener, true);
        // Entries written before this member joined.
        local.addAll(map.keySet());
    }

    /** Blocking; returns once the revocation is in force on this node. */
    public void revoke(Revocation revocation) {
        long ttlMillis = Math.max(1, revocation.expiresAtMillis() - System.currentTimeMillis());
        map.set(revocation.revocationId(), revocation, ttlMillis, TimeUnit.MILLISECONDS);
        local.add(revocation.revocationId());
    }

    @Override
    public boolean isRevoked(VerifiedToken token) {
        List<String> ids = token.revocationIds();
        for (int i = 0; i < ids.size(); i++) {
            if (local.contains(ids.get(i))) {
                return true;
            }
        }
        return false;
    }

    public int size() {
        return local.size();
    }

    private final class Listener implements EntryAddedListener<String, Revocation>, EntryUpdatedListener<String, Revocation> {
        @Override
        public void entryAdded(EntryEvent<String, Revocation> event) {
            local.add(event.getKey());
        }

        @Override
        public void entryUpdated(EntryEvent<String, Revocation> event) {
            local.add(event.getKey());
        }
    }
}
