package dev.warrant.gateway.cluster;

import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.ProcessPorts;
import dev.warrant.gateway.PythonProcess;
import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.modern.ModernCalls;
import io.vertx.core.json.JsonObject;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Measurement, not a test (docs/PERFORMANCE.md, "One member or three"): the same load through HAProxy to one
 * {@code warrant serve} member, to three of one cluster, and (the control) to three members that are each a
 * cluster of their own, reporting each member's CPU time per call. Both eras:
 * 2026-07-28 calls (no session) and 2025 sessions (each request of a session may land on another member).
 * Members run with the JIT's full tiers ({@code -XX:+UseSerialGC -Xmx256m}); the upstream is the Python fixture.
 * Run: {@code java -cp <gateway test classpath> dev.warrant.gateway.cluster.ScaleOutMeasurement [calls] [clients]}
 */
public final class ScaleOutMeasurement {

    private static final int WARMUP_ROUNDS = 3;
    private static final Duration IDLE = Duration.ofSeconds(10);

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 6000;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        Path dir = Files.createTempDirectory("warrant-scale-out");
        SigningKey key = KeyFiles.loadOrCreate(dir.resolve("keys"));
        Minter minter = new Minter(key, Clock.systemUTC(), Duration.ofHours(24));
        String admin = minter.mint(MintSpec.builder("security-team").right("admin", AdminApi.AREA, "*")
                .ttl(Duration.ofHours(1)).build());
        String agent = minter.mint(MintSpec.builder("scale-agent").right("tool", "fixture", "echo")
                .ttl(Duration.ofHours(1)).build());
        System.out.println("| members | era | calls | errors | calls/s | CPU per call, each member (ms) | CPU per call, all members (ms) | HAProxy CPU per call (ms) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        try (PythonProcess fixture = PythonProcess.fixtureServer()) {
            for (Layout layout : Layout.values()) {
                measure(Files.createDirectories(dir.resolve(layout.name())), dir.resolve("keys/root.pub"), layout,
                        fixture, admin, agent, calls, clients);
            }
        }
    }

    /** How the members behind the balancer are grouped. */
    private enum Layout {
        ONE("1", 1, 1), CLUSTER("3, one cluster", 3, 3), SEPARATE("3, three clusters of one (control)", 3, 1);

        final String label;
        final int members;
        final int perCluster;

        Layout(String label, int members, int perCluster) {
            this.label = label;
            this.members = members;
            this.perCluster = perCluster;
        }
    }

    private static void measure(Path dir, Path publicKey, Layout layout, PythonProcess fixture, String admin,
                                String agent, int calls, int clients) throws Exception {
        int proxyPort = ProcessPorts.freePort();
        List<ClusterMembers> clusters = new ArrayList<>();
        for (int c = 0; c < layout.members / layout.perCluster; c++) {
            clusters.add(new ClusterMembers(Files.createDirectories(dir.resolve("c" + c)), publicKey, layout.perCluster)
                    .withJvmOptions(List.of("-XX:+UseSerialGC", "-Xmx256m")));
        }
        List<Member> members = new ArrayList<>();
        clusters.forEach(cluster -> IntStream.range(0, cluster.size()).forEach(i -> members.add(new Member(cluster, i))));
        StringBuilder hosts = new StringBuilder("\"127.0.0.1:" + proxyPort + "\"");
        members.forEach(m -> hosts.append(", \"127.0.0.1:").append(m.port()).append('"'));
        try {
            for (ClusterMembers cluster : clusters) {
                cluster.withConfig(String.join("\n",
                        "allowedHosts: [" + hosts + "]",
                        "limits: { perCaller: false }",
                        "upstreams:",
                        "  - name: fixture",
                        "    http: { url: \"" + fixture.mcpUrl() + "\" }"));
                cluster.start(admin, cluster.size(), IntStream.range(0, cluster.size()).toArray());
            }
            int[] ports = members.stream().mapToInt(Member::port).toArray();
            try (HaProxy proxy = HaProxy.roundRobin(dir, proxyPort, ports)) {
                // A 2025 session lives in one cluster: the control layout serves only 2026-07-28 calls.
                List<Boolean> eras = layout == Layout.SEPARATE ? List.of(true) : List.of(true, false);
                // Warm-up: as many calls per member in every layout, so each member's JIT has seen as much.
                for (int round = 0; round < WARMUP_ROUNDS * layout.members; round++) {
                    for (boolean modern : eras) {
                        run(proxy, agent, modern, calls, clients);
                    }
                }
                // What a member spends with no calls at all (Hazelcast's heartbeats, the health checks).
                long[] idleBefore = cpuNanos(members);
                Thread.sleep(IDLE.toMillis());
                long[] idleAfter = cpuNanos(members);
                System.out.printf(Locale.ROOT, "| %s | idle, CPU ms per second: %s |%n", layout.label,
                        String.join(" / ", IntStream.range(0, members.size()).mapToObj(i -> ms((idleAfter[i] - idleBefore[i])
                                / (double) IDLE.toSeconds())).toList()));
                for (boolean modern : eras) {
                    long[] before = cpuNanos(members);
                    long proxyBefore = proxy.cpu().toNanos();
                    long start = System.nanoTime();
                    int[] outcome = run(proxy, agent, modern, calls, clients);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    long[] after = cpuNanos(members);
                    long proxyCpu = proxy.cpu().toNanos() - proxyBefore;
                    long total = 0;
                    List<String> each = new ArrayList<>();
                    for (int i = 0; i < members.size(); i++) {
                        total += after[i] - before[i];
                        each.add(ms((after[i] - before[i]) / (double) calls));
                    }
                    System.out.printf(Locale.ROOT, "| %s | %s | %d | %d | %.0f | %s | %s | %s |%n", layout.label,
                            modern ? "2026-07-28" : "2025-06-18 session", outcome[0], outcome[1], outcome[0] / seconds,
                            String.join(" / ", each), ms(total / (double) calls), ms(proxyCpu / (double) calls));
                }
            }
        } finally {
            for (ClusterMembers cluster : clusters) {
                cluster.close();
            }
        }
    }

    /** One member process: its cluster and its index there. */
    private record Member(ClusterMembers cluster, int index) {
        int port() {
            return cluster.httpPort(index);
        }

        long cpuNanos() {
            return cluster.cpu(index).toNanos();
        }
    }

    private static String ms(double nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    private static long[] cpuNanos(List<Member> members) {
        return members.stream().mapToLong(Member::cpuNanos).toArray();
    }

    /** {@code calls} tools/call through the balancer from {@code clients} threads. @return {calls, errors} */
    private static int[] run(HaProxy proxy, String agent, boolean modern, int calls, int clients) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                running.add(pool.submit(() -> {
                    String session = modern ? null : open(proxy, agent);
                    for (int n = next.getAndIncrement(); n < calls; n = next.getAndIncrement()) {
                        HttpResponse<String> r = ClusterMembers.HTTP.send(modern
                                ? ModernCalls.toolCall(proxy.mcpUrl(), agent, n, "fixture__echo",
                                        new JsonObject().put("text", "call " + n), new JsonObject(), new JsonObject())
                                : sessionCall(proxy, agent, session, n), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200 || !r.body().contains("call " + n) || r.body().contains("\"error\"")) {
                            errors.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return new int[] {calls, (int) errors.get()};
    }

    private static String open(HaProxy proxy, String agent) throws Exception {
        HttpResponse<String> init = ClusterMembers.HTTP.send(post(proxy, agent, null, "{\"jsonrpc\":\"2.0\",\"id\":0,"
                + "\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"scale-out\",\"version\":\"1\"}}}"), HttpResponse.BodyHandlers.ofString());
        String session = init.headers().firstValue("Mcp-Session-Id")
                .orElseThrow(() -> new IllegalStateException("no session: " + init.statusCode() + " " + init.body()));
        ClusterMembers.HTTP.send(post(proxy, agent, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
                HttpResponse.BodyHandlers.discarding());
        return session;
    }

    private static HttpRequest sessionCall(HaProxy proxy, String agent, String session, int n) {
        return post(proxy, agent, session, new JsonObject().put("jsonrpc", "2.0").put("id", n).put("method", "tools/call")
                .put("params", new JsonObject().put("name", "fixture__echo")
                        .put("arguments", new JsonObject().put("text", "call " + n))).encode());
    }

    private static HttpRequest post(HaProxy proxy, String agent, String session, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(proxy.mcpUrl()).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + agent).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18");
        }
        return b.build();
    }

    private ScaleOutMeasurement() {
    }
}
