package dev.warrant.gateway.record;

import dev.warrant.adapters.RawJsonObject;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.PrecomputedSigner;
import dev.warrant.gateway.TestGateway;
import dev.warrant.gateway.crypto.Ed25519;
import io.vertx.core.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measurement, not a test (docs/PERFORMANCE.md, "Receipts"): what a tools/call receipt costs. Part 1, one thread:
 * signing on the writer thread, attaching on the event loop (copying a raw result, the receipt as JSON), checking
 * offline. Part 2, end to end: an in-process gateway in front of a minimal echo upstream (loopback HTTP), 2025 sessions over
 * loopback HTTP, receipts on and off alternately (A/B/A/B), one client's latency and eight clients' throughput and
 * this JVM's CPU per call (gateway, upstream and clients together).
 * Run: {@code java -cp <gateway test classpath> dev.warrant.gateway.record.ReceiptCostMeasurement [rounds]}
 */
public final class ReceiptCostMeasurement {

    private static final String RESULT = "{\"content\":[{\"type\":\"text\",\"text\":\"a.md\\nb.md\\nplans/2027.md\"}],"
            + "\"structuredContent\":{\"paths\":[\"a.md\",\"b.md\",\"plans/2027.md\"]},\"isError\":false}";

    public static void main(String[] args) throws Exception {
        micro();
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        try {
            for (int round = 1; round <= rounds; round++) {
                endToEnd(true, round);
                endToEnd(false, round);
            }
        } finally {
            System.exit(0); // Hazelcast and Vert.x threads would keep the JVM alive after a failure
        }
    }

    private static void micro() throws Exception {
        dev.warrant.gateway.json.RawJsonCodec.install(); // as Gateway.start does: untouched results are written raw
        Path dir = Files.createTempDirectory("receipt-cost");
        AuditSeal seal = AuditSeal.loadOrCreate(dir);
        AuditRecord r = new AuditRecord(Instant.parse("2026-11-25T20:00:00Z"), "allow", "allowed",
                "<default policy>:2: allow if request($k, $s, $n), right($k, $s, $n)", "researcher",
                List.of("planner", "researcher"), "T-42", "tools/call", "fs__read_file",
                "sha256:0c5b5a3a1b0e7b2f4f0e2b6c8d7e9f1a2b3c4d5e6f708192a3b4c5d6e7f80912", "low", null, null,
                List.of("4f0e2b6c8d7e9f1a2b3c4d5e6f708192", "a3b4c5d6e7f809120c5b5a3a1b0e7b2f"),
                "0af7651916cd43dd8448eb211c80319c", "s-1", 1234, null);
        String hash = "ab".repeat(32);
        long[] sign = measure(2_000, 20_000, () -> AuditReceipt.sign(r, 42, hash, seal.memberId(), seal.key()));
        AuditReceipt receipt = AuditReceipt.sign(r, 42, hash, seal.memberId(), seal.key());
        System.out.printf("receipt JSON bytes: %d%n", receipt.toJson().encode().length());
        report("writer: sign a receipt", sign);
        for (int size : new int[] {8, 64}) {
            List<AuditReceipt.Line> batch = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                batch.add(new AuditReceipt.Line(r, 42 + i, hash));
            }
            long[] all = measure(200, 2_000, () -> AuditReceipt.signAll(batch, seal.memberId(), seal.key()));
            for (int i = 0; i < all.length; i++) {
                all[i] /= size;
            }
            report("writer: batch of " + size + ", per receipt", all);
        }
        // The nonce: what the filler pays per signature (BouncyCastle's comb), seen as the cost of a signature
        // whose nonce is made inline (its queue drained), against a plain eddsa signature.
        byte[] root = new byte[56];
        try (PrecomputedSigner drained = new PrecomputedSigner(seal.key(), 1)) {
            drained.close();
            report("writer: signature, nonce made inline (BouncyCastle)", measure(2_000, 20_000, () -> drained.sign(root)));
        }
        report("writer: signature, plain (eddsa)", measure(2_000, 20_000, () -> seal.key().sign(root)));
        // The event loop: a raw result written as is (receipts off) vs copied with the receipt added, then written.
        long[] raw = measure(20_000, 200_000, () -> new JsonObject(rawResult()).encode());
        long[] attached = measure(20_000, 200_000,
                () -> Receipts.onResult(new JsonObject(rawResult()), receipt).encode());
        report("loop: raw result encoded", raw);
        report("loop: + receipt attached", attached);
        var key = Ed25519.publicKey(HexFormat.of().parseHex(seal.key().publicKey().hex()));
        byte[] sig = java.util.Base64.getUrlDecoder().decode(receipt.signature());
        long[] verify = measure(500, 5_000, () -> Ed25519.verifies(key, receipt.signedBytes(), sig));
        report("offline: verify (JDK)", verify);
    }

    private static RawJsonObject rawResult() {
        try {
            return RawJsonObject.parse(RESULT);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void endToEnd(boolean receipts, int round) throws Exception {
        // No rate limit (the default 50/s per caller would refuse the load); an echo upstream on loopback HTTP.
        io.vertx.core.Vertx upstreamVertx = io.vertx.core.Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1));
        int port = upstreamVertx.createHttpServer().requestHandler(ReceiptCostMeasurement::echo).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get().actualPort();
        try (TestGateway gw = new TestGateway("fast", URI.create("http://127.0.0.1:" + port + "/mcp"), null,
                b -> b.audit(AuditSettings.defaults().withReceipts(receipts))
                .limits(new dev.warrant.policies.limits.LimitSettings(java.util.Optional.empty(), java.util.Optional.empty(),
                        java.util.Optional.empty())))) {
            String token = gw.minter.mint(MintSpec.builder("bench").right("tool", "fast", "echo")
                    .ttl(Duration.ofHours(1)).build());
            HttpClient http = HttpClient.newBuilder().executor(Runnable::run).build();
            Client warm = new Client(http, gw.mcpUrl(), token);
            for (int i = 0; i < 3_000; i++) {
                warm.call(receipts);
            }
            long[] one = new long[3_000];
            for (int i = 0; i < one.length; i++) {
                long start = System.nanoTime();
                warm.call(receipts);
                one[i] = System.nanoTime() - start;
            }
            Arrays.sort(one);
            int clients = 8;
            int perClient = 2_500;
            java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Client> cs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                cs.add(new Client(HttpClient.newBuilder().executor(Runnable::run).build(), gw.mcpUrl(), token));
            }
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (Client c : cs) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perClient; i++) {
                        if (!c.call(receipts)) {
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            long wall = System.nanoTime() - t0;
            long cpu = os.getProcessCpuTime() - cpu0;
            pool.shutdown();
            int calls = clients * perClient;
            System.out.printf("round %d receipts %-3s: 1 client p50 %6.0f us p99 %6.0f us | %d clients %6.0f calls/s,"
                            + " CPU %5.0f us/call, %d refused (load %.1f)%n", round, receipts ? "on" : "off",
                    one[one.length / 2] / 1e3, one[(int) (one.length * 0.99)] / 1e3, clients, calls / (wall / 1e9),
                    cpu / 1e3 / calls, refused.get(), os.getSystemLoadAverage());
        } finally {
            upstreamVertx.close();
        }
    }

    /** A minimal MCP upstream (2025, plain JSON answers): initialize, tools/list with one echo tool, tools/call. */
    private static void echo(io.vertx.core.http.HttpServerRequest request) {
        if (request.method() != io.vertx.core.http.HttpMethod.POST) {
            request.response().setStatusCode(405).end();
            return;
        }
        request.body().onSuccess(body -> {
            JsonObject m = body.toJsonObject();
            String method = m.getString("method");
            if (!m.containsKey("id")) {
                request.response().setStatusCode(202).end();
                return;
            }
            JsonObject result = switch (method == null ? "" : method) {
                case "initialize" -> new JsonObject().put("protocolVersion", m.getJsonObject("params")
                        .getString("protocolVersion", "2025-06-18")).put("capabilities", new JsonObject()
                        .put("tools", new JsonObject())).put("serverInfo", new JsonObject().put("name", "fast")
                        .put("version", "1"));
                case "tools/list" -> new JsonObject().put("tools", new io.vertx.core.json.JsonArray().add(new JsonObject()
                        .put("name", "echo").put("description", "Echo.").put("inputSchema", new JsonObject()
                                .put("type", "object"))));
                case "tools/call" -> new JsonObject().put("content", new io.vertx.core.json.JsonArray().add(
                        new JsonObject().put("type", "text").put("text", "a.md\nb.md\nplans/2027.md")));
                default -> new JsonObject();
            };
            request.response().putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("jsonrpc", "2.0").put("id", m.getValue("id")).put("result", result).toBuffer());
        });
    }

    /** One 2025 session calling fast__echo. */
    private static final class Client {
        private final HttpClient http;
        private final URI url;
        private final String token;
        private final String session;
        private int id = 1;

        Client(HttpClient http, URI url, String token) throws Exception {
            this.http = http;
            this.url = url;
            this.token = token;
            HttpResponse<String> init = post(new JsonObject().put("jsonrpc", "2.0").put("id", 0).put("method", "initialize")
                    .put("params", new JsonObject().put("protocolVersion", "2025-11-25").put("capabilities", new JsonObject())
                            .put("clientInfo", new JsonObject().put("name", "bench").put("version", "1"))).encode(), null);
            this.session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", session);
        }

        /** False when the call was refused (a JSON-RPC error); with receipts on, it still carries one. */
        boolean call(boolean receipts) throws Exception {
            String body = "{\"jsonrpc\":\"2.0\",\"id\":" + id++ + ",\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"fast__echo\",\"arguments\":{}}}";
            HttpResponse<String> r = post(body, session);
            // An overloaded host refuses some calls (authorizer_timeout, upstream_timeout): counted, not fatal.
            if (r.body().contains(AuditReceipt.META_KEY) != receipts) {
                throw new IllegalStateException("unexpected answer: " + r.body());
            }
            return !r.body().contains("\"error\"");
        }

        private HttpResponse<String> post(String body, String session) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream").header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (session != null) {
                b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static long[] measure(int warmup, int n, Runnable step) {
        for (int i = 0; i < warmup; i++) {
            step.run();
        }
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            step.run();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static void report(String what, long[] sorted) {
        System.out.printf("%-28s p50 %7.2f us  p99 %7.2f us%n", what, sorted[sorted.length / 2] / 1e3,
                sorted[(int) (sorted.length * 0.99)] / 1e3);
    }
}
