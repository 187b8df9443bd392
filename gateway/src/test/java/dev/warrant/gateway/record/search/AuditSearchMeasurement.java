package dev.warrant.gateway.record.search;

import dev.warrant.gateway.record.AuditFiles;
import dev.warrant.gateway.record.AuditRecord;
import dev.warrant.gateway.record.AuditSettings;
import dev.warrant.gateway.record.JsonLinesAuditLog;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Measurement, not a test (docs/PERFORMANCE.md, "Audit search on a 1 GB log"): writes a 1 GiB audit log with the
 * real writer (64 MiB files, rotated) in a temporary directory, times typical searches, and deletes the log.
 * Run: {@code java -cp <gateway test classpath> dev.warrant.gateway.record.search.AuditSearchMeasurement [GiB]}
 */
public final class AuditSearchMeasurement {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    /** One line every 300 ms: ~1.7 million lines span about six days. */
    private static final long STEP_MILLIS = 300;
    private static final String RARE = "auditor-bot";
    private static final int ROUNDS = 5;

    public static void main(String[] args) throws Exception {
        double gib = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        Path dir = Files.createTempDirectory("audit-search");
        try {
            Path live = dir.resolve("audit.log");
            long start = System.nanoTime();
            long lines = generate(live, (long) (gib * (1L << 30)));
            long bytes = AuditFiles.oldestFirst(live).stream().mapToLong(AuditSearchMeasurement::size).sum();
            System.out.printf("log: %d lines, %d bytes in %d files, written in %.0f s%n", lines, bytes,
                    AuditFiles.oldestFirst(live).size(), (System.nanoTime() - start) / 1e9);
            Instant end = T0.plusMillis(lines * STEP_MILLIS);
            Instant middle = T0.plusMillis(lines * STEP_MILLIS / 2);

            // Every page under the default budget, and the stream alone with the budget out of the way.
            AuditSearch search = new AuditSearch(live, SearchBudget.DEFAULT);
            AuditSearch unbounded = new AuditSearch(live, new SearchBudget(Long.MAX_VALUE, Duration.ofHours(1)));
            AuditPage denies = search.search(AuditQuery.newest(200).withDecision("deny"));
            AuditQuery page2 = AuditQuery.newest(200).withDecision("deny").after(denies.nextCursor());

            System.gc();
            System.out.println("warm-up: every query once, then " + ROUNDS + " timed rounds each");
            for (boolean warm : new boolean[] {false, true}) {
                suite(search, unbounded, page2, middle, end, warm);
            }
        } finally {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
            System.out.println("deleted " + dir);
        }
    }

    private static void suite(AuditSearch search, AuditSearch unbounded, AuditQuery page2, Instant middle,
                              Instant end, boolean timed) {
        rounds = timed ? ROUNDS : 1;
        quiet = !timed;
        {
            time("first page, no filter (limit 50)", () -> search.search(AuditQuery.newest(50)));
            time("deny only, first page (limit 200)", () -> search.search(AuditQuery.newest(200).withDecision("deny")));
            time("deny only, page 2 via cursor (limit 200)", () -> search.search(page2));
            time("one hour in the middle (limit 50)",
                    () -> search.search(AuditQuery.newest(50).between(middle.minusSeconds(1800), middle.plusSeconds(1800))));
            time("common caller in that hour (limit 50)", () -> search.search(AuditQuery.newest(50)
                    .withCaller("researcher-3").between(middle.minusSeconds(1800), middle.plusSeconds(1800))));
            time("chain member, first page (limit 50)", () -> search.search(AuditQuery.newest(50).withChainMember("planner-2")));
            time("rare caller, one page (default budget)", () -> search.search(AuditQuery.newest(50).withCaller(RARE)));
            time("rare caller, all pages to the oldest line", () -> walk(search, AuditQuery.newest(50).withCaller(RARE)));
            time("rare caller, one unbudgeted stream of the whole log", () -> unbounded.search(AuditQuery.newest(50).withCaller(RARE)));
            time("rare caller in the last day (limit 50)",
                    () -> search.search(AuditQuery.newest(50).withCaller(RARE).between(end.minus(Duration.ofDays(1)), end)));
        }
    }

    private static int rounds;
    /** Pages the last {@link #walk} took. */
    private static int walked;
    private static boolean quiet;

    /** Every page of {@code q}, as one result (lines summed, bytes summed). */
    private static AuditPage walk(AuditSearch search, AuditQuery q) {
        List<AuditEntry> all = new ArrayList<>();
        long scanned = 0;
        int pages = 0;
        AuditQuery next = q;
        while (true) {
            AuditPage p = search.search(next);
            pages++;
            all.addAll(p.lines());
            scanned += p.scannedBytes();
            if (p.nextCursor() == null) {
                walked = pages;
                return new AuditPage(all, null, false, scanned, java.util.Collections.nCopies(all.size(),
                        new AuditCursor(new byte[LogFile.ID_BYTES], 0)));
            }
            next = q.after(p.nextCursor());
        }
    }

    private static void time(String name, Supplier<AuditPage> query) {
        walked = 1;
        long[] ms = new long[rounds];
        AuditPage page = null;
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            page = query.get();
            ms[i] = (System.nanoTime() - start) / 1_000_000;
        }
        if (quiet) {
            return;
        }
        long first = ms[0];
        Arrays.sort(ms);
        System.out.printf("%-52s first %5d ms, median %5d ms, best %5d ms; %3d lines in %d page(s), %5d MiB read, partial %s, more %s%n",
                name, first, ms[ROUNDS / 2], ms[0], page.lines().size(), walked, page.scannedBytes() >> 20, page.partial(),
                page.nextCursor() != null);
    }

    /** Writes realistic lines through the real audit log until the files hold {@code bytes}. */
    private static long generate(Path live, long bytes) throws Exception {
        // Few checkpoints: theirs is the writer's clock, and the made-up record times must stay in order.
        AuditSettings settings = new AuditSettings(AuditSettings.DEFAULT_MAX_FILE_BYTES, 1000, false, true)
                .withCheckpoints(Integer.MAX_VALUE, Duration.ofDays(1));
        Random random = new Random(42);
        HexFormat hex = HexFormat.of();
        long n = 0;
        try (JsonLinesAuditLog log = new JsonLinesAuditLog(live, settings)) {
            while (true) {
                List<CompletableFuture<Void>> written = new ArrayList<>(20_000);
                for (int i = 0; i < 20_000; i++, n++) {
                    written.add(log.record(record(n, random, hex)).toCompletableFuture());
                }
                CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
                long size = AuditFiles.oldestFirst(live).stream().mapToLong(AuditSearchMeasurement::size).sum();
                if (size >= bytes) {
                    return n;
                }
            }
        }
    }

    /**
     * A call like production's: 40 agents (a few busy), a two- or three-hop chain, 25 tools, 300 tasks, 8% denied,
     * 1% errors; the rare caller makes one call in ~100 000.
     */
    private static AuditRecord record(long n, Random random, HexFormat hex) {
        int agent = (int) Math.min(39, Math.abs(random.nextGaussian()) * 10);
        String caller = random.nextInt(100_000) == 0 ? RARE : "researcher-" + agent;
        List<String> chain = random.nextBoolean() ? List.of("planner-" + (agent % 4), caller)
                : List.of("orchestrator", "planner-" + (agent % 4), caller);
        int roll = random.nextInt(100);
        String decision = roll < 8 ? "deny" : roll < 9 ? "error" : "allow";
        String reason = switch (decision) {
            case "deny" -> roll < 5 ? "not_permitted" : roll < 7 ? "constraint_failed" : "rate_limited";
            case "error" -> "upstream_timeout";
            default -> "allowed";
        };
        String tool = "server" + (n % 5) + "__tool_" + random.nextInt(25);
        byte[] id = new byte[16];
        random.nextBytes(id);
        String trace = hex.formatHex(id);
        return new AuditRecord(T0.plusMillis(n * STEP_MILLIS), decision, reason,
                decision.equals("allow") ? "<default policy>:2: allow if request($k, $s, $n), right($k, $s, $n)"
                        : "operator.datalog:7: deny if tool($t), $t.starts_with(\"admin_\")",
                caller, chain, "T-" + random.nextInt(300), "tools/call", tool,
                "sha256:" + trace + trace, random.nextInt(10) == 0 ? "high" : "low", null, null,
                List.of(trace.substring(0, 16) + trace.substring(16), hex.formatHex(id, 0, 8) + "0123456789abcdef"),
                trace, "s-" + (n / 200), 800 + random.nextInt(5000), null);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
