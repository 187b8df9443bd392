package dev.warrant.gateway.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * Sent to every member by {@link ClusterRevocations#revoke}: puts the entry into that member's local index and
 * journal, and answers only then. Its answer is the member's acknowledgement of the promise.
 */
final class ApplyRevocation implements Callable<Boolean>, Serializable, HazelcastInstanceAware {

    private static final long serialVersionUID = 1L;

    private final Revocation revocation;
    private transient HazelcastInstance hazelcast;

    ApplyRevocation(Revocation revocation) {
        this.revocation = revocation;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
    }

    @Override
    public Boolean call() {
        Object local = hazelcast.getUserContext().get(ClusterRevocations.USER_CONTEXT_KEY);
        if (local instanceof ClusterRevocations revocations) {
            revocations.apply(revocation);
        }
        // No index yet: this member is still starting and reads the map (already holding the entry) before it
        // serves any request, so it will deny too.
        return Boolean.TRUE;
    }
}
