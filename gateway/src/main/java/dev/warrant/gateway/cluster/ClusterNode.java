package dev.warrant.gateway.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.spi.merge.PutIfAbsentMergePolicy;

import java.util.List;
import java.util.Optional;

/**
 * This gateway's embedded Hazelcast member. Members find each other by an explicit TCP-IP member list on
 * loopback or the configured interface, or on Kubernetes by a headless Service's DNS name
 * ({@link KubernetesDiscovery}); multicast and auto-detection are off (docs/ARCHITECTURE.md §5). One member alone
 * is a valid cluster.
 *
 * <p>Timing: a member that stops answering is dropped after {@value #NO_HEARTBEAT_SECONDS} s without
 * heartbeat (Hazelcast's default is 60 s); until then a revocation cannot be confirmed by it and the admin API
 * answers 503, so this bounds how long a crashed member blocks revocations. Split clusters look for each other
 * every {@value #MERGE_SECONDS} s (default 300 s), which bounds how long a healed split brain stays split.
 */
public final class ClusterNode implements AutoCloseable {

    /** The map of cluster-wide secrets ({@link RotatingKeys}). */
    static final String SHARED_KEYS = "warrant-shared-keys";

    static final int NO_HEARTBEAT_SECONDS = 10;
    static final int MERGE_SECONDS = 5;

    private final HazelcastInstance hazelcast;

    /** The members this one sees, kept by a membership listener: read on the request path (divided rate limits). */
    private final java.util.concurrent.atomic.AtomicInteger members = new java.util.concurrent.atomic.AtomicInteger(1);

    private ClusterNode(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
        hazelcast.getCluster().addMembershipListener(new com.hazelcast.cluster.MembershipListener() {
            @Override
            public void memberAdded(com.hazelcast.cluster.MembershipEvent event) {
                members.set(event.getMembers().size());
            }

            @Override
            public void memberRemoved(com.hazelcast.cluster.MembershipEvent event) {
                members.set(event.getMembers().size());
            }
        });
        members.set(hazelcast.getCluster().getMembers().size());
    }

    /**
     * @param clusterName members only join a cluster of the same name (tests use a random one each)
     * @param bindHost    the interface to bind, e.g. 127.0.0.1
     * @param port        the first port to try; the next ones are tried when it is taken
     * @param members     "host" or "host:port" entries of the other members
     */
    public static ClusterNode start(String clusterName, String bindHost, int port, List<String> members) {
        return start(clusterName, bindHost, port, members, Optional.empty());
    }

    /** As above; with {@code kubernetes}, members are found through its DNS name instead of a list. */
    public static ClusterNode start(String clusterName, String bindHost, int port, List<String> members,
                                    Optional<KubernetesDiscovery> kubernetes) {
        // Nothing may call home from here, and Hazelcast logs through SLF4J like the rest of Warrant.
        System.setProperty("hazelcast.phone.home.enabled", "false");
        System.setProperty("hazelcast.logging.type", "slf4j");
        return new ClusterNode(Hazelcast.newHazelcastInstance(config(clusterName, bindHost, port, members, kubernetes)));
    }

    /** The member's Hazelcast configuration; nothing is started. */
    static Config config(String clusterName, String bindHost, int port, List<String> members,
                         Optional<KubernetesDiscovery> kubernetes) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.health.monitoring.level", "OFF");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port).setPortAutoIncrement(true).setPortCount(100);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        if (kubernetes.isPresent()) {
            // A pod listens on 0.0.0.0 (probes and the Service reach its pod IP), which names no interface: Hazelcast
            // picks the pod's one address itself. Peers are dialled at the Service's addresses on this same port.
            join.getTcpIpConfig().setEnabled(false);
            join.getKubernetesConfig().setEnabled(true)
                    .setProperty("service-dns", kubernetes.get().serviceDns())
                    .setProperty("service-dns-timeout", Long.toString(kubernetes.get().timeout().toSeconds()))
                    .setProperty("service-port", Integer.toString(port));
        } else {
            network.getInterfaces().setEnabled(true).addInterface(bindHost);
            join.getTcpIpConfig().setEnabled(true).setMembers(members.isEmpty() ? List.of(bindHost) : members);
        }
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(NO_HEARTBEAT_SECONDS));
        config.setProperty("hazelcast.merge.first.run.delay.seconds", Integer.toString(MERGE_SECONDS));
        config.setProperty("hazelcast.merge.next.run.delay.seconds", Integer.toString(MERGE_SECONDS));
        // Revocations: a copy on every member (6 = Hazelcast's maximum, capped by the cluster size), merged by
        // union after a split brain (keys name one revocation each). See ClusterRevocations.
        config.addMapConfig(new MapConfig(ClusterRevocations.MAP_NAME)
                .setBackupCount(MapConfig.MAX_BACKUP_COUNT)
                .setMergePolicyConfig(new MergePolicyConfig(PutIfAbsentMergePolicy.class.getName(), 1000)));
        // Upstreams registered through the admin API, and their tombstones: a copy on every member too, so a
        // registration outlives the member that took it. Put-if-absent merges are corrected by the members'
        // last-writer-wins reconciliation after a merge. See UpstreamDirectory.
        config.addMapConfig(new MapConfig(UpstreamDirectory.MAP_NAME)
                .setBackupCount(MapConfig.MAX_BACKUP_COUNT)
                .setMergePolicyConfig(new MergePolicyConfig(PutIfAbsentMergePolicy.class.getName(), 100)));
        config.addMapConfig(new MapConfig(UpstreamDirectory.REMOVED_MAP_NAME)
                .setBackupCount(MapConfig.MAX_BACKUP_COUNT)
                .setTimeToLiveSeconds((int) UpstreamDirectory.REMOVAL_TTL.toSeconds())
                .setMergePolicyConfig(new MergePolicyConfig(PutIfAbsentMergePolicy.class.getName(), 100)));
        if (members.isEmpty() && kubernetes.isEmpty()) {
            // Single node (the embedded default): nobody to wait for; Hazelcast's default join wait
            // (5 s) would only delay startup.
            config.setProperty("hazelcast.wait.seconds.before.join", "0");
            config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
        } else {
            // Members find each other by address; a long settle time only delays startup. Members that started
            // apart find each other by the merge check above.
            config.setProperty("hazelcast.wait.seconds.before.join", "1");
            config.setProperty("hazelcast.max.wait.seconds.before.join", "3");
        }
        config.getJetConfig().setEnabled(false);
        return config;
    }

    public HazelcastInstance hazelcast() {
        return hazelcast;
    }


    /** How many members this one sees now (itself included); a local read. */
    public int memberCount() {
        return members.get();
    }

    public String memberId() {
        return hazelcast.getCluster().getLocalMember().getUuid().toString();
    }

    @Override
    public void close() {
        hazelcast.shutdown();
    }
}
