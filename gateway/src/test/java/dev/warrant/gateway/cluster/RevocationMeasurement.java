package dev.warrant.gateway.cluster;

import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Measurement, not a test (docs/PERFORMANCE.md, "Revocation and the cluster"): per-request check cost with
 * 0 / 10k / 1M entries, memory per entry, and revoke latency with 1 and 3 members (in one JVM, loopback TCP).
 * Run: {@code java -cp <gateway test classpath> dev.warrant.gateway.cluster.RevocationMeasurement}
 * Options (system properties): {@code -Dmeasure.journals=DIR} puts the members' journals under DIR (e.g. a tmpfs
 * such as /dev/shm, to separate the protocol's cost from the disk's fsync), {@code -Dmeasure.revocations=N}
 * (default 2000), {@code -Dmeasure.check=false} skips the per-request check part.
 */
public final class RevocationMeasurement {

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("warrant-measure");
        SigningKey key = KeyFiles.loadOrCreate(dir.resolve("keys"));
        Minter minter = new Minter(key, Clock.systemUTC(), Duration.ofHours(24));
        String planner = minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note").task("T-1")
                .ttl(Duration.ofHours(1)).build());
        String hop1 = Delegator.attenuate(planner, HopSpec.delegateTo("researcher").tools("notes", "read_note").build(), Clock.systemUTC());
        String hop2 = Delegator.attenuate(hop1, HopSpec.delegateTo("summarizer").tools("notes", "read_note").build(), Clock.systemUTC());
        VerifiedToken token = new Verifier(KeyRing.of(key.publicKey()), VerifierSettings.defaults(), Clock.systemUTC()).verify(hop2);
        System.out.println("load average at start: " + Files.readString(Path.of("/proc/loadavg")).strip());

        Path journals = Path.of(System.getProperty("measure.journals", dir.toString()));
        int revocations = Integer.getInteger("measure.revocations", 2000);
        boolean check = Boolean.parseBoolean(System.getProperty("measure.check", "true"));
        for (int entries : check ? new int[]{0, 10_000, 1_000_000} : new int[0]) {
            LocalRevocationIndex index = new LocalRevocationIndex();
            System.gc();
            long before = used();
            fill(index, entries);
            System.gc();
            long after = used();
            long[] ns = checkCost(index, token);
            System.out.printf("check, %,d entries (+%,d agent entries): p50 %d ns, p99 %d ns per call (3-block token, 3 chain members, not revoked)%s%n",
                    entries, entries / 10, ns[0], ns[1],
                    entries == 0 ? "" : String.format("; heap %.0f bytes/entry", (after - before) / (double) (entries + entries / 10)));
        }

        Instant now = Instant.now();
        for (int size : new int[]{1, 3}) {
            List<ClusterNode> nodes = new ArrayList<>();
            List<ClusterRevocations> revs = new ArrayList<>();
            String name = "measure-" + UUID.randomUUID();
            int base = 7100 + new Random().nextInt(500);
            List<String> members = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                members.add("127.0.0.1:" + (base + i));
            }
            List<Thread> starts = new ArrayList<>();
            ClusterNode[] started = new ClusterNode[size];
            for (int i = 0; i < size; i++) {
                int n = i;
                Thread t = new Thread(() -> started[n] = ClusterNode.start(name, "127.0.0.1", base + n, size == 1 ? List.of() : members));
                t.start();
                starts.add(t);
            }
            for (Thread t : starts) {
                t.join(TimeUnit.SECONDS.toMillis(90));
            }
            for (int i = 0; i < size; i++) {
                nodes.add(started[i]);
                revs.add(new ClusterRevocations(started[i], journals.resolve("j" + size + "-" + i + "-" + UUID.randomUUID()),
                        Clock.systemUTC(), Duration.ofSeconds(5)));
            }
            await(size + " members joined").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> nodes.get(0).hazelcast().getCluster().getMembers().size() >= size);
            int n = revocations;
            long[] lat = new long[n];
            byte[] id = new byte[32];
            Random random = new Random(1);
            for (int i = 0; i < n + 200; i++) {
                random.nextBytes(id);
                Revocation r = Revocation.ofId(HexFormat.of().formatHex(id), now, Duration.ofHours(24), "");
                long t0 = System.nanoTime();
                revs.get(i % size).revoke(r);
                long t1 = System.nanoTime();
                if (i >= 200) {
                    lat[i - 200] = t1 - t0;
                }
            }
            Arrays.sort(lat);
            System.out.printf("revoke, %d member(s): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms (%d sequential revocations after 200 warm-up; journals in %s)%n",
                    size, lat[n / 2] / 1e6, lat[n * 9 / 10] / 1e6, lat[n * 99 / 100] / 1e6, lat[n - 1] / 1e6, n, journals);
            if (size > 1) {
                breakdown(nodes.get(0), dir, n, now);
            }
            revs.forEach(ClusterRevocations::close);
            nodes.forEach(ClusterNode::close);
        }
        System.out.println("load average at end: " + Files.readString(Path.of("/proc/loadavg")).strip());
        System.exit(0);
    }

    /**
     * Where a revoke's time goes, each part measured alone but interleaved in one loop (so a noisy machine
     * affects them alike): a map write waiting for its synchronous backups on every member, an executor round
     * trip to every other member with a task that does nothing, and one append + fdatasync.
     */
    private static void breakdown(ClusterNode node, Path dir, int n, Instant now) throws Exception {
        var hz = node.hazelcast();
        hz.getConfig().addMapConfig(new com.hazelcast.config.MapConfig("measure.probe")
                .setBackupCount(com.hazelcast.config.MapConfig.MAX_BACKUP_COUNT));
        com.hazelcast.map.IMap<String, Revocation> probe = hz.getMap("measure.probe");
        var executor = hz.getExecutorService(ClusterRevocations.EXECUTOR_NAME);
        List<com.hazelcast.cluster.Member> others = new ArrayList<>(hz.getCluster().getMembers());
        others.remove(hz.getCluster().getLocalMember());
        java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(dir.resolve("probe.jsonl"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.APPEND);
        long[] set = new long[n];
        long[] exec = new long[n];
        long[] fsync = new long[n];
        Random random = new Random(7);
        byte[] id = new byte[32];
        for (int i = 0; i < n + 200; i++) {
            random.nextBytes(id);
            Revocation r = Revocation.ofId(HexFormat.of().formatHex(id), now, Duration.ofHours(24), "");
            long t0 = System.nanoTime();
            probe.set(r.key(), r);
            long t1 = System.nanoTime();
            for (var f : executor.submitToMembers(new Noop(), others).values()) {
                f.get(30, TimeUnit.SECONDS);
            }
            long t2 = System.nanoTime();
            file.write(java.nio.ByteBuffer.wrap((RevocationJournal.toJson(r).encode() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            file.force(false);
            long t3 = System.nanoTime();
            if (i >= 200) {
                set[i - 200] = t1 - t0;
                exec[i - 200] = t2 - t1;
                fsync[i - 200] = t3 - t2;
            }
        }
        file.close();
        for (Object[] part : new Object[][]{{"map set + sync backups", set}, {"executor round trip to the others", exec},
                {"journal append + fdatasync", fsync}}) {
            long[] lat = (long[]) part[1];
            Arrays.sort(lat);
            System.out.printf("  part: %s: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms%n", part[0], lat[n / 2] / 1e6,
                    lat[n * 9 / 10] / 1e6, lat[n * 99 / 100] / 1e6);
        }
    }

    /** An executor task that does nothing: the round trip alone. */
    static final class Noop implements java.util.concurrent.Callable<Boolean>, java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean call() {
            return Boolean.TRUE;
        }
    }

    private static void fill(LocalRevocationIndex index, int entries) {
        Instant now = Instant.now();
        byte[] id = new byte[32];
        Random random = new Random(42);
        for (int i = 0; i < entries; i++) {
            random.nextBytes(id);
            index.add(Revocation.ofId(HexFormat.of().formatHex(id), now, Duration.ofHours(24), ""));
        }
        for (int i = 0; i < entries / 10; i++) {
            index.add(Revocation.ofAgent("agent-" + i, java.util.Optional.of(now), now, Duration.ofHours(24), ""));
        }
    }

    private static long[] checkCost(LocalRevocationIndex index, VerifiedToken token) {
        int batches = 20_000;
        int perBatch = 50;
        long[] samples = new long[batches];
        boolean sink = false;
        for (int w = 0; w < 200_000; w++) {
            sink ^= index.isRevoked(token);
        }
        for (int b = 0; b < batches; b++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < perBatch; i++) {
                sink ^= index.isRevoked(token);
            }
            samples[b] = (System.nanoTime() - t0) / perBatch;
        }
        if (sink) {
            throw new IllegalStateException("token unexpectedly revoked");
        }
        Arrays.sort(samples);
        return new long[]{samples[batches / 2], samples[batches * 99 / 100]};
    }

    private static long used() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
