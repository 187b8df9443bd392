package dev.warrant.gateway.cluster;

import dev.warrant.gateway.ProcessPorts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** Real Hazelcast members in this JVM, on loopback TCP, forming one cluster of their own (tests and measurements). */
public final class InJvmCluster {

    private InJvmCluster() {
    }

    /** Starts {@code size} members in parallel and returns once they all see each other (bounded: 60 s). */
    public static List<ClusterNode> start(int size) throws Exception {
        String name = "warrant-in-jvm-" + UUID.randomUUID();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports.add(ProcessPorts.freePort());
        }
        List<String> members = ports.stream().map(p -> "127.0.0.1:" + p).toList();
        List<CompletableFuture<ClusterNode>> starting = ports.stream()
                .map(p -> CompletableFuture.supplyAsync(() -> ClusterNode.start(name, "127.0.0.1", p, members))).toList();
        List<ClusterNode> nodes = new ArrayList<>();
        for (CompletableFuture<ClusterNode> s : starting) {
            nodes.add(s.get(60, TimeUnit.SECONDS));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> nodes.get(0).hazelcast().getCluster().getMembers().size() == size);
        return nodes;
    }
}
