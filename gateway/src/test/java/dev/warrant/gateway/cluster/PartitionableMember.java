package dev.warrant.gateway.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.server.Server;
import dev.warrant.gateway.cli.WarrantCli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Test-only launcher: {@code warrant serve} in a JVM of its own, plus a stdin command channel that cuts this
 * member off the cluster's network and reconnects it, so a test can make a real split brain between processes.
 * <ul>
 *   <li>{@code isolate}: stops this member's Hazelcast networking (acceptor and every member connection closed,
 *       no new ones either way). Both sides then see the other side stop answering and, after the heartbeat
 *       timeout, go on as two clusters, each serving and revoking on its own.</li>
 *   <li>{@code heal}: restarts the networking; Hazelcast's split-brain merge (every few seconds, ClusterNode)
 *       finds the other side through the TCP-IP member list and merges the two clusters.</li>
 * </ul>
 * Nothing here exists in the product: the hook reaches Hazelcast internals ({@link Server#stop()} /
 * {@link Server#start()}) from the test classpath only.
 */
public final class PartitionableMember {

    public static void main(String[] args) {
        Thread commands = new Thread(PartitionableMember::readCommands, "partition-commands");
        commands.setDaemon(true);
        commands.start();
        WarrantCli.main(args);
    }

    private static void readCommands() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                switch (line.strip()) {
                    case "isolate" -> server().stop();
                    case "heal" -> server().start();
                    default -> System.err.println("unknown partition command: " + line);
                }
                System.err.println("partition command done: " + line.strip());
            }
        } catch (Exception e) {
            System.err.println("partition commands stopped: " + e);
        }
    }

    private static Server server() {
        HazelcastInstance hazelcast = Hazelcast.getAllHazelcastInstances().iterator().next();
        return ((HazelcastInstanceProxy) hazelcast).getOriginal().node.getServer();
    }
}
