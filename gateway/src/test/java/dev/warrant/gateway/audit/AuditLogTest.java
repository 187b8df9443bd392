package dev.warrant.gateway.audit;

import dev.warrant.gateway.record.AuditFiles;
import dev.warrant.gateway.record.AuditRecord;
import dev.warrant.gateway.record.AuditSettings;
import dev.warrant.gateway.record.JsonLinesAuditLog;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit file format, what it never contains, rotation by size, and write acknowledgement. */
class AuditLogTest {

    @TempDir
    Path dir;

    static AuditRecord record(String decision, String caller, int n) {
        return new AuditRecord(Instant.parse("2026-11-25T20:00:00Z").plusSeconds(n), decision,
                decision.equals("allow") ? "allowed" : "not_permitted",
                decision.equals("allow") ? "<default policy>:2: allow if request($k, $s, $n), right($k, $s, $n)"
                        : "operator.datalog:7: deny if server(\"legacy-admin\")",
                caller, List.of("planner", caller), "T-42",
                "tools/call", "fs__read_file", "sha256:abc", "low", null, null, List.of("rev1", "rev2"),
                "0af7651916cd43dd8448eb211c80319c", "s-1", 1234, new JsonObject().put("path", "/secret/" + n));
    }

    @Test
    void oneLinePerDecisionWithEveryFieldAndNoRawArgumentsByDefault() throws Exception {
        Path file = dir.resolve("audit.log");
        try (JsonLinesAuditLog log = new JsonLinesAuditLog(file)) {
            log.record(record("allow", "researcher", 1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            // The future completes only once the line is in the file: readable without closing the log.
            log.record(record("deny", "researcher", 2)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            List<String> lines = Files.readAllLines(file);
            assertThat(lines).hasSize(2);
            JsonObject deny = new JsonObject(lines.get(1));
            assertThat(deny.fieldNames()).containsExactlyInAnyOrder("seq", "member", "prev", "time", "decision", "reason", "policy", "caller", "chain",
                    "task", "method", "target", "argumentDigest", "riskTier", "approvalId", "approver",
                    "approverReason", "revocationIds", "traceId", "sessionId", "latencyMicros", "correlationId");
            assertThat(deny.getString("decision")).isEqualTo("deny");
            assertThat(deny.getString("reason")).isEqualTo("not_permitted");
            assertThat(deny.getString("policy")).isEqualTo("operator.datalog:7: deny if server(\"legacy-admin\")");
            assertThat(new JsonObject(lines.get(0)).getString("policy"))
                    .isEqualTo("<default policy>:2: allow if request($k, $s, $n), right($k, $s, $n)");
            assertThat(deny.getJsonArray("chain").getList()).containsExactly("planner", "researcher");
            assertThat(deny.getString("riskTier")).isEqualTo("low");
            assertThat(deny.containsKey("approvalId")).isTrue();
            assertThat(deny.getValue("approvalId")).isNull();
            assertThat(deny.getLong("latencyMicros")).isEqualTo(1234);
            assertThat(deny.getString("time")).isEqualTo("2026-11-25T20:00:02Z");
            assertThat(String.join("\n", lines)).doesNotContain("/secret/");
        }
    }

    @Test
    void recordsMadeOnAnEventLoopTravelAsOneTurnsBatchAndAreAllWrittenInOrder() throws Exception {
        Path file = dir.resolve("audit.log");
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try (JsonLinesAuditLog log = new JsonLinesAuditLog(file)) {
            CompletableFuture<List<CompletableFuture<Void>>> made = new CompletableFuture<>();
            vertx.runOnContext(v -> {
                List<CompletableFuture<Void>> written = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    written.add(log.record(record(i % 10 == 0 ? "deny" : "allow", "agent-" + i, i))
                            .toCompletableFuture());
                }
                // The turn has not ended: its batch is still with the event loop, so nothing can be written yet.
                if (written.stream().anyMatch(CompletableFuture::isDone)) {
                    made.completeExceptionally(new AssertionError("a record was acknowledged within its turn"));
                } else {
                    made.complete(written);
                }
            });
            List<CompletableFuture<Void>> written = made.get(5, TimeUnit.SECONDS);
            CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            // And one from a thread outside Vert.x, queued at once.
            log.record(record("allow", "outside", 50)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            List<String> callers = Files.readAllLines(file).stream()
                    .map(line -> new JsonObject(line).getString("caller")).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                expected.add("agent-" + i);
            }
            expected.add("outside");
            assertThat(callers).containsExactlyElementsOf(expected);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWriteThatFailsMarksTheLogUnhealthyAndStillReleasesTheCaller() throws Exception {
        // /dev/full answers every write with ENOSPC: a full disk.
        try (JsonLinesAuditLog log = new JsonLinesAuditLog(Path.of("/dev/full"))) {
            assertThat(log.healthy()).isTrue();
            log.record(record("allow", "researcher", 1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(log.healthy()).isFalse();
        }
    }

    @Test
    void anyTextInAFieldStaysOnItsLineAndReadsBackAsWritten() throws Exception {
        Path file = dir.resolve("audit.log");
        String odd = "ag\"ent\\ \n\r\t\u0000 \u2028 \u00e9\u20ac\uD83D\uDE00 </script>";
        AuditRecord r = new AuditRecord(Instant.parse("2026-11-25T20:00:00Z"), "deny", "not_permitted", odd, odd,
                List.of(odd, "b"), odd, "tools/call", odd, null, null, null, null, List.of(), null, null, 7,
                new JsonObject().put("text", odd).put("n", 1.5));
        try (JsonLinesAuditLog log = new JsonLinesAuditLog(file, new AuditSettings(1 << 20, 3, true))) {
            log.record(r).toCompletableFuture().get(5, TimeUnit.SECONDS);
            log.record(record("allow", "next", 1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        List<String> all = Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(all).hasSize(3).last().matches(AuditFiles::isCheckpoint, "the checkpoint written at close");
        List<String> lines = all.subList(0, 2);
        JsonObject line = new JsonObject(lines.get(0));
        assertThat(line.getString("policy")).isEqualTo(odd);
        assertThat(line.getString("caller")).isEqualTo(odd);
        assertThat(line.getJsonArray("chain").getList()).containsExactly(odd, "b");
        assertThat(line.getString("target")).isEqualTo(odd);
        assertThat(line.getValue("argumentDigest")).isNull();
        assertThat(line.containsKey("argumentDigest")).isTrue();
        assertThat(line.getLong("latencyMicros")).isEqualTo(7);
        assertThat(line.getJsonObject("arguments")).isEqualTo(new JsonObject().put("text", odd).put("n", 1.5));
        assertThat(new JsonObject(lines.get(1)).getString("caller")).isEqualTo("next");
    }

    @Test
    void rawArgumentsOnlyWhenConfigured() throws Exception {
        Path file = dir.resolve("audit.log");
        try (JsonLinesAuditLog log = new JsonLinesAuditLog(file, new AuditSettings(1 << 20, 3, true))) {
            log.record(record("allow", "researcher", 7)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        assertThat(new JsonObject(Files.readAllLines(file).get(0)).getJsonObject("arguments").getString("path"))
                .isEqualTo("/secret/7");
    }

    @Test
    void denialsApprovalsAndAlertsAreSyncedAllowsAndErrorsAreNot() {
        assertThat(record("deny", "a", 1).mustSync()).isTrue();
        assertThat(record("allow", "a", 1).mustSync()).isFalse();
        assertThat(record("error", "a", 1).mustSync()).isFalse();
        assertThat(record("alert", "a", 1).mustSync()).as("drift quarantine alert").isTrue();
        AuditRecord approved = new AuditRecord(Instant.now(), "allow", "allowed", "a", List.of("a"), null, "tools/call",
                "fs__delete", null, "high", "ap-1", "alice", List.of(), null, null, 1, null);
        assertThat(approved.mustSync()).isTrue();
    }

    @Test
    void rotatesBySizeKeepingMaxFilesAndWholeLines() throws Exception {
        Path file = dir.resolve("audit.log");
        int total = 200;
        try (JsonLinesAuditLog log = new JsonLinesAuditLog(file, new AuditSettings(4096, 3, false))) {
            for (int i = 0; i < total; i++) {
                log.record(record(i % 3 == 0 ? "deny" : "allow", "agent-" + i, i)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
        }
        assertThat(AuditFiles.oldestFirst(file)).containsExactly(dir.resolve("audit.log.3"), dir.resolve("audit.log.2"),
                dir.resolve("audit.log.1"), file);
        assertThat(Files.exists(dir.resolve("audit.log.4"))).isFalse();
        for (Path p : AuditFiles.oldestFirst(file)) {
            assertThat(Files.size(p)).isLessThanOrEqualTo(4096);
            Files.readAllLines(p).stream().filter(l -> !AuditFiles.isCheckpoint(l))
                    .forEach(l -> assertThat(new JsonObject(l).getString("caller")).startsWith("agent-"));
        }
        // Oldest first and gap-free: the kept lines are the newest ones, in order, ending with the last record.
        List<Integer> seen = new ArrayList<>();
        AuditFiles.forEachLine(file, l -> {
            if (!AuditFiles.isCheckpoint(l)) {
                seen.add(Integer.parseInt(new JsonObject(l).getString("caller").substring(6)));
            }
        });
        assertThat(seen).isNotEmpty().endsWith(total - 1);
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i)).isEqualTo(seen.get(i - 1) + 1);
        }
        assertThat(seen.get(0)).isGreaterThan(0);  // the oldest were rotated out
        // Rotated-out files are forced and closed by their own thread; closing the log waits for it: no file
        // of this directory is still open in this process.
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            assertThat(fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (java.io.IOException gone) {
                    return "";
                }
            }).filter(target -> target.startsWith(dir.toString()))).isEmpty();
        }
    }

    @Test
    void concurrentWritersLoseNothingAndEveryFutureCompletes() throws Exception {
        Path file = dir.resolve("audit.log");
        int threads = 8;
        int each = 250;
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        try (JsonLinesAuditLog log = new JsonLinesAuditLog(file)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<java.util.concurrent.Future<List<CompletableFuture<Void>>>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * each;
                parts.add(pool.submit(() -> {
                    List<CompletableFuture<Void>> mine = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        mine.add(log.record(record(i % 2 == 0 ? "deny" : "allow", "agent-" + (base + i), i)).toCompletableFuture());
                    }
                    return mine;
                }));
            }
            for (var part : parts) {
                acks.addAll(part.get(30, TimeUnit.SECONDS));
            }
            pool.shutdown();
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            // All acknowledged, so all are in the file before close.
            assertThat(Files.readAllLines(file).stream().filter(l -> !AuditFiles.isCheckpoint(l)).toList())
                    .hasSize(threads * each)
                    .extracting(l -> new JsonObject(l).getString("caller")).doesNotHaveDuplicates();
        }
    }

    @Test
    void closeOnAnInterruptedThreadStillSealsTheLogStopsItsThreadsAndKeepsTheInterrupt() throws Exception {
        Path file = dir.resolve("audit.log");
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        JsonLinesAuditLog log = new JsonLinesAuditLog(file);
        List<Thread> started = new ArrayList<>(Thread.getAllStackTraces().keySet());
        started.removeAll(before);
        assertThat(started).extracting(Thread::getName).contains("warrant-audit", "warrant-signing-nonces");
        log.record(record("allow", "a", 1)).toCompletableFuture().get(5, TimeUnit.SECONDS);

        Thread.currentThread().interrupt();
        boolean kept;
        try {
            log.close();
        } finally {
            kept = Thread.interrupted();
        }

        assertThat(kept).as("the caller's interrupt is kept").isTrue();
        List<String> lines = Files.readAllLines(file);
        assertThat(new JsonObject(lines.get(lines.size() - 1)).getString("decision")).isEqualTo("checkpoint");
        for (Thread t : started) {
            t.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(t.isAlive()).as(t.getName() + " stopped").isFalse();
        }
    }

    @Test
    void aRecordAfterCloseIsDroppedWithoutHangingTheCaller() throws Exception {
        Path file = dir.resolve("audit.log");
        JsonLinesAuditLog log = new JsonLinesAuditLog(file);
        log.close();
        assertThat(log.record(record("deny", "x", 1)).toCompletableFuture().get(1, TimeUnit.SECONDS)).isNull();
        assertThat(Files.readAllLines(file)).isEmpty();
    }
}
