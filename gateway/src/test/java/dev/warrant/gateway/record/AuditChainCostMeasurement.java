package dev.warrant.gateway.record;

import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.RootPublicKey;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Measurement, not a test (docs/PERFORMANCE.md, "Audit chain"): on the writer thread, the cost of one line's
 * encoding with and without its chain hash, and of one signed checkpoint; offline, what {@code warrant audit
 * verify} costs per line. Run: {@code java -cp <gateway test classpath> dev.warrant.gateway.record.AuditChainCostMeasurement}
 */
public final class AuditChainCostMeasurement {

    private static final int WARMUP = 50_000;
    private static final int LINES = 200_000;
    private static final int CHECKPOINTS = 5_000;

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("audit-cost");
        AuditSeal seal = AuditSeal.loadOrCreate(dir);
        AuditChain chain = AuditChain.resume(dir.resolve("audit.log"), seal.memberId());
        AuditLine line = new AuditLine();
        AuditRecord r = new AuditRecord(Instant.parse("2026-11-25T20:00:00Z"), "allow", "allowed",
                "<default policy>:2: allow if request($k, $s, $n), right($k, $s, $n)", "researcher",
                List.of("planner", "researcher"), "T-42", "tools/call", "fs__read_file",
                "sha256:0c5b5a3a1b0e7b2f4f0e2b6c8d7e9f1a2b3c4d5e6f708192a3b4c5d6e7f80912", "low", null, null,
                List.of("4f0e2b6c8d7e9f1a2b3c4d5e6f708192", "a3b4c5d6e7f809120c5b5a3a1b0e7b2f"),
                "0af7651916cd43dd8448eb211c80319c", "s-1", 1234, new JsonObject().put("path", "/x"));
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);

        // The line as written (encode + SHA-256 of its bytes + hex), and the hash alone on the same bytes.
        long[] encode = measure(WARMUP, LINES, () -> {
            out.reset();
            line.write(r, false, chain, out);
        });
        byte[] bytes = Arrays.copyOf(out.toByteArray(), out.size() - 1);
        long[] hash = measure(WARMUP, LINES, () -> chain.appended(bytes, 0, bytes.length, false));
        long[] checkpoint = measure(500, CHECKPOINTS, () -> {
            out.reset();
            line.writeCheckpoint(chain, Instant.now(), seal.key(), out);
        });
        System.out.printf("line bytes: %d%n", bytes.length);
        report("line: encode + chain", encode);
        report("line: SHA-256 + hex alone", hash);
        report("checkpoint: encode + sign", checkpoint);

        // Offline: verify a log of 50 000 lines (one file) with a checkpoint every 1000.
        Path file = dir.resolve("audit.log");
        AuditSettings settings = AuditSettings.defaults().withCheckpoints(1000, java.time.Duration.ofHours(1));
        try (JsonLinesAuditLog log = new JsonLinesAuditLog(file, settings, seal)) {
            for (int i = 0; i < 50_000; i++) {
                log.record(r);
            }
        }
        long lines = Files.readAllLines(file, StandardCharsets.UTF_8).size();
        RootPublicKey pub = seal.key().publicKey();
        AuditVerifier verifier = new AuditVerifier(Map.of(KeyFiles.defaultKeyId(pub.hex()),
                new RootPublicKey(KeyFiles.defaultKeyId(pub.hex()), pub.hex())), true);
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long start = System.nanoTime();
            AuditVerifier.Report report = verifier.verify(List.of(file), f -> Optional.empty());
            best = Math.min(best, System.nanoTime() - start);
            if (!report.intact()) {
                throw new IllegalStateException("the measured log does not verify: " + report.findings());
            }
        }
        System.out.printf("verify: %d lines in %.0f ms (best of 5), %.2f us per line%n", lines, best / 1e6,
                best / 1e3 / lines);
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
