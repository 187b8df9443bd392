package dev.warrant.benchmarks.curves;

import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.Gateway;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.transport.SessionSettings;
import dev.warrant.otel.Telemetry;
import dev.warrant.policies.limits.LimitSettings;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Heap held by open MCP sessions: starts a gateway in this JVM on 127.0.0.1 (no upstream, telemetry as
 * {@code warrant serve} makes it, per-caller rate limit off), opens {@code --sessions} real Streamable HTTP sessions over loopback
 * (initialize + notifications/initialized, then left open), forces GC and prints heap used after GC before and
 * after, per session and in total. Budget (docs/ARCHITECTURE.md §10): 10 000 sessions in at most 512 MB of heap — run it with
 * {@code -Xmx512m} to prove the fit, as {@link Curves} does.
 *
 * <p>Sessions are spread over {@code --tokens} agents (default 100: a few dozen sessions per agent's token, as
 * pipelines reuse a token across sub-tasks); the verified-token cache entries of those tokens are counted in
 * the delta. {@code --tokens 10000} gives each session its own token. Bounded: it stops after the sessions
 * are open and measured, or after 5 minutes.
 */
public final class SessionMemory {

    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"session-memory\",\"version\":\"1\"}}}";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}";

    private SessionMemory() {}

    public static void main(String[] args) throws Exception {
        int sessions = intArg(args, "--sessions", 10_000);
        int tokens = intArg(args, "--tokens", 100);
        int clients = intArg(args, "--clients", 8);
        Path state = Files.createTempDirectory("warrant-session-memory");
        SigningKey root = KeyFiles.loadOrCreate(state.resolve("keys"));
        GatewayConfig config = GatewayConfig.builder()
                .host("127.0.0.1").port(0).stateDir(state.resolve("state"))
                .rootKeys(List.of(root.publicKey()))
                .clusterName("session-memory-" + UUID.randomUUID()).clusterPort(freePort())
                // The per-caller rate limit (50/s) would refuse a loop that opens sessions as fast as it can;
                // its buckets are per caller, not per session, so turning it off changes no per-session memory.
                .limits(LimitSettings.defaults().withPerCaller(null))
                // Room for every session asked for, spread over the tokens (each token is its own grant).
                .sessions(new SessionSettings(SessionSettings.DEFAULT_IDLE_TIMEOUT,
                        Math.max(sessions, SessionSettings.DEFAULT_MAX),
                        Math.max(SessionSettings.DEFAULT_PER_GRANT, (sessions + tokens - 1) / tokens)))
                .build();
        Minter minter = new Minter(root, Clock.systemUTC(), Duration.ofHours(24));
        List<String> bearer = new ArrayList<>();
        for (int i = 0; i < tokens; i++) {
            bearer.add(minter.mint(MintSpec.builder("agent-" + i).right("tool", "notes", "read_note")
                    .task("T-" + i).ttl(Duration.ofHours(1)).build()));
        }

        try (Gateway gateway = Gateway.start(config, member -> Telemetry.autoConfigured(member, Map.of()), Clock.systemUTC())) {
            URI mcp = gateway.mcpUrl();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            // Warm the request path (and its classes) with one throwaway session, closed again with DELETE.
            String warm = open(http, mcp, bearer.get(0));
            send(http, HttpRequest.newBuilder(mcp).DELETE(), bearer.get(0), warm);
            long before = heapAfterGc();

            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            Map<String, String> tokenBySession = new ConcurrentHashMap<>();
            AtomicInteger nextSession = new AtomicInteger();
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                workers.add(pool.submit(() -> {
                    for (int i; (i = nextSession.getAndIncrement()) < sessions && System.nanoTime() < deadline; ) {
                        String token = bearer.get(i % tokens);
                        tokenBySession.put(open(http, mcp, token), token);
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
            pool.shutdown();
            double openSeconds = (System.nanoTime() - start) / 1e9;
            if (tokenBySession.size() != sessions || gateway.sessions().size() != sessions) {
                throw new IllegalStateException("opened " + tokenBySession.size() + " sessions, the gateway holds "
                        + gateway.sessions().size() + ", wanted " + sessions);
            }
            // Every session is live: a sample answers ping within its session.
            List<String> all = new ArrayList<>(tokenBySession.keySet());
            for (int i = 0; i < all.size(); i += Math.max(1, sessions / 100)) {
                HttpResponse<String> r = send(http, post(mcp, PING), tokenBySession.get(all.get(i)), all.get(i));
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("session " + all.get(i) + " answered ping with " + r.statusCode());
                }
            }
            long after = heapAfterGc();
            long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
            long delta = after - before;
            System.out.printf("sessions: %d open over %d agent tokens, %d clients, opened in %.1f s (%.0f sessions/s)%n",
                    sessions, tokens, clients, openSeconds, sessions / openSeconds);
            System.out.printf("heap used after GC: %.1f MB before, %.1f MB with the sessions open (max heap %.0f MB)%n",
                    before / 1e6, after / 1e6, max / 1e6);
            System.out.printf("per session: %.0f bytes (%.1f MB for %d sessions)%n",
                    (double) delta / sessions, delta / 1e6, sessions);
            System.out.printf("budget (10k sessions <= 512 MB heap): %s%n",
                    after <= 512L * 1024 * 1024 ? "met, " + (after / 1024 / 1024) + " MiB in use" : "NOT met");
        }
    }

    /** initialize + notifications/initialized; returns the session id. */
    private static String open(HttpClient http, URI mcp, String token) throws Exception {
        HttpResponse<String> init = send(http, post(mcp, INITIALIZE), token, null);
        String id = init.headers().firstValue("Mcp-Session-Id").orElseThrow(() ->
                new IllegalStateException("initialize answered " + init.statusCode() + " without a session: " + init.body()));
        HttpResponse<String> initialized = send(http, post(mcp, INITIALIZED), token, id);
        if (initialized.statusCode() != 202) {
            throw new IllegalStateException("notifications/initialized answered " + initialized.statusCode());
        }
        return id;
    }

    private static HttpRequest.Builder post(URI mcp, String body) {
        return HttpRequest.newBuilder(mcp).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request, String token, String session)
            throws Exception {
        request.timeout(Duration.ofSeconds(20)).header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token).header("MCP-Protocol-Version", "2025-06-18");
        if (session != null) {
            request.header("Mcp-Session-Id", session);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long heapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        // Several rounds: finalizable/cleaner-held objects and the cache's async maintenance settle in between.
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
