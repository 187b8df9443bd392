package dev.warrant.gateway.record.search;

import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.record.AuditFiles;
import dev.warrant.gateway.record.AuditRecord;
import dev.warrant.gateway.record.AuditSettings;
import dev.warrant.gateway.record.JsonLinesAuditLog;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The audit search on real files written by the real audit log: rotation, paging, filters, time, cursors. */
class AuditSearchTest {

    static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    static final String[] CALLERS = {"researcher", "writer", "planner", "rare-one"};
    static final String[] TOOLS = {"fs__read_file", "notes__write_note", "web__fetch"};

    /** No page of these small logs stops at its budget unless a test says so, however slow the machine. */
    static final SearchBudget AMPLE = new SearchBudget(1L << 30, Duration.ofMinutes(1));

    @TempDir
    Path dir;

    /** The n-th record: varied caller, chain, task, tool, decision; one second apart. */
    static AuditRecord record(int n) {
        String caller = n % 97 == 0 ? "rare-one" : CALLERS[n % 3];
        boolean deny = n % 5 == 0;
        return new AuditRecord(T0.plusSeconds(n), deny ? "deny" : "allow", deny ? "not_permitted" : "allowed",
                deny ? "operator.datalog:7: deny if tool(\"x\")" : "<default policy>:2: allow",
                caller, List.of("root-" + (n % 4), caller), "T-" + (n % 7), "tools/call", TOOLS[(n / 2) % 3],
                "sha256:" + n, "low", null, null, List.of("rev" + n), "trace" + n, "s-" + (n % 11), 100 + n,
                new JsonObject().put("n", n));
    }

    Path log(int count, long maxFileBytes) throws Exception {
        return log(dir.resolve("audit.log"), 0, count, maxFileBytes);
    }

    /** Writes records [from, from + count) with checkpoints every 10 lines. */
    static Path log(Path file, int from, int count, long maxFileBytes) throws Exception {
        return log(file, from, count, maxFileBytes, 10);
    }

    /**
     * Writes records [from, from + count) with a checkpoint every {@code checkpointEvery} lines. A checkpoint's
     * time is the writer's clock, not the records' made-up times: a time-window test keeps them out of the middle.
     */
    static Path log(Path file, int from, int count, long maxFileBytes, int checkpointEvery) throws Exception {
        AuditSettings settings = new AuditSettings(maxFileBytes, 1000, false, true)
                .withCheckpoints(checkpointEvery, Duration.ofHours(1));
        try (JsonLinesAuditLog log = new JsonLinesAuditLog(file, settings)) {
            // Five lines per write: a batch is never split across files, so small batches rotate often.
            for (int i = from; i < from + count; i += 5) {
                List<CompletableFuture<Void>> written = new ArrayList<>();
                for (int j = i; j < Math.min(i + 5, from + count); j++) {
                    written.add(log.record(record(j)).toCompletableFuture());
                }
                CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            }
        }
        return file;
    }

    /** Every page of {@code query} from the first, concatenated. */
    static List<AuditEntry> all(AuditSearch search, AuditQuery query) {
        List<AuditEntry> out = new ArrayList<>();
        AuditQuery q = query;
        for (int pages = 0; pages < 10_000; pages++) {
            AuditPage page = search.search(q);
            out.addAll(page.lines());
            if (page.nextCursor() == null) {
                return out;
            }
            q = query.after(page.nextCursor());
        }
        throw new AssertionError("more than 10 000 pages");
    }

    /** The numbers of the records (0..count) matching {@code p}, newest first. */
    static List<Integer> expected(int count, Predicate<AuditRecord> p) {
        List<Integer> out = new ArrayList<>();
        for (int n = count - 1; n >= 0; n--) {
            if (p.test(record(n))) {
                out.add(n);
            }
        }
        return out;
    }

    static List<Integer> numbers(List<AuditEntry> entries) {
        return entries.stream().map(e -> Integer.parseInt(e.traceId().substring("trace".length()))).toList();
    }

    @Test
    void pagesWalkEveryRotatedFileNewestFirstWithoutCheckpointsDuplicatesOrGaps() throws Exception {
        Path file = log(300, 16 * 1024);
        assertThat(AuditFiles.oldestFirst(file)).as("rotated into several files").hasSizeGreaterThan(4);
        AuditSearch search = new AuditSearch(file, AMPLE);

        List<AuditEntry> every = all(search, AuditQuery.newest(7));

        assertThat(numbers(every)).isEqualTo(expected(300, r -> true));
        assertThat(every).allSatisfy(e -> assertThat(e.decision()).isNotEqualTo("checkpoint"));
        assertThat(every.get(0).seq()).isGreaterThan(every.get(1).seq());
        AuditEntry newest = every.get(0);
        assertThat(newest.caller()).isEqualTo(record(299).caller());
        assertThat(newest.chain()).isEqualTo(record(299).chain());
        assertThat(newest.time()).isEqualTo(T0.plusSeconds(299));
        assertThat(newest.member()).isNotBlank();
        assertThat(newest.revocationIds()).containsExactly("rev299");
        assertThat(newest.argumentDigest()).isEqualTo("sha256:299");
    }

    @Test
    void pagingWhileTheLogGrowsAndRotatesNeitherRepeatsNorSkipsALine() throws Exception {
        Path file = log(120, 16 * 1024);
        AuditSearch search = new AuditSearch(file, AMPLE);
        AuditQuery query = AuditQuery.newest(25);
        AuditPage first = search.search(query);
        List<AuditEntry> seen = new ArrayList<>(first.lines());
        int before = AuditFiles.oldestFirst(file).size();

        // New lines arrive between pages, rotating every file one name older.
        log(file, 120, 150, 16 * 1024);
        assertThat(AuditFiles.oldestFirst(file).size()).isGreaterThan(before);
        AuditCursor cursor = first.nextCursor();
        while (cursor != null) {
            AuditPage page = search.search(query.after(cursor));
            seen.addAll(page.lines());
            cursor = page.nextCursor();
            log(file, 1000 + seen.size(), 3, 16 * 1024); // and between every later page too
        }

        assertThat(numbers(seen)).isEqualTo(expected(120, r -> true));
        // A new search sees the new lines first.
        assertThat(numbers(search.search(AuditQuery.newest(1)).lines()).get(0)).isGreaterThan(1000);
    }

    @Test
    void pagingWhileTheWriterRotatesDuringTheSearchNeitherRepeatsNorSkipsALine() throws Exception {
        Path file = dir.resolve("audit.log");
        AuditSettings settings = new AuditSettings(16 * 1024, 1000, false, true).withCheckpoints(10, Duration.ofHours(1));
        AuditSearch search = new AuditSearch(file, AMPLE, 8 * 1024);
        List<Long> seqs = new ArrayList<>();
        long top;
        try (JsonLinesAuditLog log = new JsonLinesAuditLog(file, settings)) {
            for (int i = 0; i < 200; i++) {
                log.record(record(i)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                for (int i = 200; i < 1200; i++) {
                    log.record(record(i)).toCompletableFuture().join();
                }
            });
            AuditQuery query = AuditQuery.newest(20);
            AuditPage page = search.search(query);
            top = page.lines().get(0).seq();
            while (true) {
                page.lines().forEach(e -> seqs.add(e.seq()));
                if (page.nextCursor() == null) {
                    break;
                }
                page = search.search(query.after(page.nextCursor()));
            }
            writer.get(60, TimeUnit.SECONDS);
        }
        List<Long> expected = new ArrayList<>();
        AuditFiles.forEachLine(file, line -> {
            JsonObject o = new JsonObject(line);
            if (!"checkpoint".equals(o.getString("decision")) && o.getLong("seq") <= top) {
                expected.add(0, o.getLong("seq"));
            }
        });
        assertThat(AuditFiles.oldestFirst(file)).as("rotated while it was searched").hasSizeGreaterThan(20);
        assertThat(seqs).isEqualTo(expected);
    }

    @Test
    void eachFilterMatchesExactlyItsLines() throws Exception {
        int count = 400;
        Path file = log(count, 32 * 1024);
        AuditSearch search = new AuditSearch(file, AMPLE);
        AuditQuery q = AuditQuery.newest(13);

        check(search, q.withCaller("rare-one"), count, r -> r.caller().equals("rare-one"));
        check(search, q.withCaller("writer"), count, r -> r.caller().equals("writer"));
        check(search, q.withChainMember("root-2"), count, r -> r.chain().contains("root-2"));
        check(search, q.withChainMember("planner"), count, r -> r.caller().equals("planner"));
        check(search, q.withTask("T-3"), count, r -> r.task().equals("T-3"));
        check(search, q.withTool("web__fetch"), count, r -> r.target().equals("web__fetch"));
        check(search, q.withDecision("deny"), count, r -> r.decision().equals("deny"));
        check(search, q.withReason("not_permitted"), count, r -> r.reason().equals("not_permitted"));
        check(search, q.withCaller("writer").withDecision("deny").withTool("fs__read_file"), count,
                r -> r.caller().equals("writer") && r.decision().equals("deny") && r.target().equals("fs__read_file"));
        // A value that is only part of a field's value matches nothing.
        assertThat(all(search, q.withCaller("writ"))).isEmpty();
        assertThat(all(search, q.withTool("fs__read"))).isEmpty();
        // A value that appears in another field (the policy text names "x") is not a match of this one.
        assertThat(all(search, q.withChainMember("x"))).isEmpty();
        assertThat(all(search, q.withDecision("checkpoint"))).as("checkpoints are never results").isEmpty();
    }

    private static void check(AuditSearch search, AuditQuery q, int count, Predicate<AuditRecord> p) {
        List<Integer> wanted = expected(count, p);
        assertThat(wanted).as("the test's data has lines of each kind").isNotEmpty();
        assertThat(numbers(all(search, q))).as(q.toString()).isEqualTo(wanted);
    }

    @Test
    void aTimeWindowInTheMiddleReturnsExactlyItsLinesAndStopsAtItsOlderEnd() throws Exception {
        int count = 2000; // ~1 MB in one file, read in 16 KiB blocks: the binary search has something to narrow
        Path file = log(dir.resolve("audit.log"), 0, count, 64L * 1024 * 1024, 1_000_000);
        AuditSearch search = new AuditSearch(file, AMPLE, 16 * 1024);
        Instant from = T0.plusSeconds(700);
        Instant to = T0.plusSeconds(1300);

        assertThat(numbers(all(search, AuditQuery.newest(200).between(from, to))))
                .isEqualTo(expected(count, r -> !r.time().isBefore(from) && !r.time().isAfter(to)));
        assertThat(numbers(all(search, AuditQuery.newest(50).withDecision("deny").between(from, null))))
                .isEqualTo(expected(count, r -> !r.time().isBefore(from) && r.decision().equals("deny")));
        assertThat(numbers(all(search, AuditQuery.newest(50).between(null, T0.plusSeconds(3)))))
                .containsExactly(3, 2, 1, 0);

        AuditPage window = search.search(AuditQuery.newest(200).withCaller("rare-one").between(from, to));
        assertThat(window.nextCursor()).as("nothing older than the window is left to look at").isNull();
        assertThat(window.scannedBytes()).as("the seek skipped the newer lines, the stop the older ones")
                .isLessThan(Files.size(file) / 2);
    }

    @Test
    void aTimeWindowAcrossRotatedFilesSkipsTheNewerFilesAndFindsExactlyItsLines() throws Exception {
        Path file = log(dir.resolve("audit.log"), 0, 600, 16 * 1024, 1_000_000);
        assertThat(AuditFiles.oldestFirst(file)).hasSizeGreaterThan(10);
        AuditSearch search = new AuditSearch(file, AMPLE, 4 * 1024);
        Instant from = T0.plusSeconds(100);
        Instant to = T0.plusSeconds(180);

        assertThat(numbers(all(search, AuditQuery.newest(17).between(from, to))))
                .isEqualTo(expected(600, r -> !r.time().isBefore(from) && !r.time().isAfter(to)));
        long total = 0;
        for (Path f : AuditFiles.oldestFirst(file)) {
            total += Files.size(f);
        }
        assertThat(search.search(AuditQuery.newest(200).between(from, to)).scannedBytes())
                .as("files newer than the window are skipped, older ones not read").isLessThan(total / 2);
    }

    @Test
    void aPageStopsAtItsBudgetAndSaysWhereToContinue() throws Exception {
        Path file = log(300, 16 * 1024);
        AuditSearch search = new AuditSearch(file, new SearchBudget(1, Duration.ofMinutes(1)));
        AuditPage page = search.search(AuditQuery.newest(200).withCaller("rare-one"));
        assertThat(page.partial()).isTrue();
        assertThat(page.nextCursor()).isNotNull();
        assertThat(page.scannedBytes()).isLessThanOrEqualTo(16 * 1024);

        assertThat(numbers(all(search, AuditQuery.newest(200).withCaller("rare-one"))))
                .isEqualTo(expected(300, r -> r.caller().equals("rare-one")));
    }

    @Test
    void aLineThatIsNotJsonIsPassedOverWithoutBreakingThePage() throws Exception {
        Path file = log(40, 1024 * 1024);
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        lines.add(20, "{\"seq\":12,\"time\":\"not a time\",\"caller\":\"writer\"}");
        lines.add(20, "{\"caller\":\"writer\", this is not JSON}");
        lines.add(10, "\u0000\u0001 binary junk \"caller\":\"writer\"");
        Files.write(file, lines, StandardCharsets.UTF_8);
        AuditSearch search = new AuditSearch(file, AMPLE);

        assertThat(numbers(all(search, AuditQuery.newest(5).withCaller("writer"))))
                .isEqualTo(expected(40, r -> r.caller().equals("writer")));
        assertThat(numbers(all(search, AuditQuery.newest(200)))).isEqualTo(expected(40, r -> true));
    }

    @Test
    void aForgedOrGarbledCursorIsRefusedNeverThrownThrough() throws Exception {
        Path file = log(100, 16 * 1024);
        AuditSearch search = new AuditSearch(file, AMPLE);
        AuditCursor good = search.search(AuditQuery.newest(10)).nextCursor();
        byte[] raw = Base64.getUrlDecoder().decode(good.encode());

        for (String text : List.of("", "!!!", "AAAA", "x".repeat(200), good.encode() + "AA",
                Base64.getUrlEncoder().withoutPadding().encodeToString(with(raw, 0, (byte) 2)))) {
            assertThatThrownBy(() -> AuditCursor.decode(text)).as(text).isInstanceOf(WarrantException.class)
                    .extracting(e -> ((WarrantException) e).reason().code()).isEqualTo("audit_cursor_invalid");
        }
        Function<byte[], AuditQuery> forged = bytes -> AuditQuery.newest(10)
                .after(AuditCursor.decode(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)));
        List<AuditQuery> refused = List.of(
                forged.apply(with(raw, 3, (byte) (raw[3] ^ 1))),                           // a file that is not there
                forged.apply(with(raw, raw.length - 1, (byte) (raw[raw.length - 1] + 1))), // inside a line
                forged.apply(with(raw, 9, (byte) 0x7f)));                                  // far past the end
        for (AuditQuery q : refused) {
            assertThatThrownBy(() -> search.search(q)).isInstanceOf(WarrantException.class)
                    .extracting(e -> ((WarrantException) e).reason().code()).isEqualTo("audit_cursor_invalid");
        }
        assertThat(search.search(AuditQuery.newest(10).after(good)).lines()).hasSize(10);
    }

    private static byte[] with(byte[] bytes, int index, byte value) {
        byte[] copy = bytes.clone();
        copy[index] = value;
        return copy;
    }

    @Test
    void anEmptyOrMissingLogHasNoLines() throws Exception {
        AuditSearch search = new AuditSearch(dir.resolve("audit.log"), AMPLE);
        assertThat(search.search(AuditQuery.newest(10))).satisfies(p -> {
            assertThat(p.lines()).isEmpty();
            assertThat(p.nextCursor()).isNull();
        });
    }
}
