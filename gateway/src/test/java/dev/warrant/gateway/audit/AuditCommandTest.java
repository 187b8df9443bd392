package dev.warrant.gateway.audit;

import dev.warrant.gateway.cli.WarrantCli;
import dev.warrant.gateway.record.AuditRecord;
import dev.warrant.gateway.record.AuditSettings;
import dev.warrant.gateway.record.JsonLinesAuditLog;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code warrant audit tail|query} over a log with rotated files. */
class AuditCommandTest {

    @TempDir
    Path dir;
    Path file;

    record Run(int code, String out, String err) {
        List<JsonObject> records() {
            return out.lines().map(JsonObject::new).toList();
        }

        Run failsWithOneLine(int exit, String part) {
            assertThat(err.lines().toList()).singleElement().asString().startsWith("warrant: ").contains(part);
            assertThat(err).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(code).isEqualTo(exit);
            return this;
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = WarrantCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    /** 60 decisions over 4 files: every 4th a denial by "researcher" (delegated from "planner"). */
    @BeforeEach
    void writeLog() throws Exception {
        file = dir.resolve("audit.log");
        try (JsonLinesAuditLog log = new JsonLinesAuditLog(file, new AuditSettings(4096, 12, false))) {
            for (int i = 0; i < 60; i++) {
                boolean deny = i % 4 == 0;
                String caller = deny ? "researcher" : "planner";
                List<String> chain = deny ? List.of("planner", "researcher") : List.of("planner");
                log.record(new AuditRecord(Instant.parse("2026-11-25T20:00:00Z").plusSeconds(i), deny ? "deny" : "allow",
                        deny ? (i % 8 == 0 ? "constraint_failed" : "not_permitted") : "allowed", caller, chain, "T-1",
                        "tools/call", "fs__read_file", null, "low", null, null, List.of(), String.format("%032x", i),
                        null, 10, null)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
        }
        assertThat(Files.exists(dir.resolve("audit.log.2"))).as("the log was rotated").isTrue();
    }

    @Test
    void queryFiltersAcrossRotatedFilesOldestFirst() {
        Run denies = run("audit", "query", "--file", file.toString(), "--decision", "deny");
        assertThat(denies.code()).isZero();
        assertThat(denies.records()).hasSize(15).allSatisfy(r -> assertThat(r.getString("decision")).isEqualTo("deny"));
        assertThat(denies.records().get(0).getString("time")).isEqualTo("2026-11-25T20:00:00Z");

        assertThat(run("audit", "query", "--file", file.toString(), "--reason", "constraint_failed").records()).hasSize(8);
        // planner appears in every chain: its authority covers its delegate's calls too.
        assertThat(run("audit", "query", "--file", file.toString(), "--caller", "planner").records()).hasSize(60);
        assertThat(run("audit", "query", "--file", file.toString(), "--caller", "researcher").records()).hasSize(15);
        assertThat(run("audit", "query", "--file", file.toString(), "--since", "2026-11-25T20:00:50Z",
                "--decision", "allow").records()).extracting(r -> r.getString("time"))
                .containsExactly("2026-11-25T20:00:50Z", "2026-11-25T20:00:51Z", "2026-11-25T20:00:53Z",
                        "2026-11-25T20:00:54Z", "2026-11-25T20:00:55Z", "2026-11-25T20:00:57Z",
                        "2026-11-25T20:00:58Z", "2026-11-25T20:00:59Z");
        assertThat(run("audit", "query", "--file", file.toString(), "--trace-id", String.format("%032x", 33)).records())
                .singleElement().satisfies(r -> assertThat(r.getString("time")).isEqualTo("2026-11-25T20:00:33Z"));
    }

    @Test
    void tailPrintsTheLastLines() {
        Run tail = run("audit", "tail", "--file", file.toString(), "-n", "3");
        assertThat(tail.code()).isZero();
        assertThat(tail.records()).extracting(r -> r.getString("time"))
                .containsExactly("2026-11-25T20:00:57Z", "2026-11-25T20:00:58Z", "2026-11-25T20:00:59Z");
    }

    private static final String LATE = "\"caller\":\"late\"";

    @Test
    void tailFollowPrintsNewDecisionsAsTheyAreWritten() throws Exception {
        StringWriter out = new StringWriter();
        Thread follower = new Thread(() -> WarrantCli.run(new String[]{"audit", "tail", "--file", file.toString(), "-n", "1",
                "--follow"}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true)));
        follower.start();
        try {
            // The follower has printed the last line (-n 1): it is following when the new line is written.
            await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().contains("2026-11-25T20:00:59Z"));
            Files.writeString(file, "{\"decision\":\"deny\",\"caller\":\"late\"}\n", java.nio.file.StandardOpenOption.APPEND);
            await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().contains(LATE));
            // -n 1 then follow: whether the line came before or after the follower started, it is printed once.
            assertThat(out.toString().lines().filter(l -> l.contains(LATE)).toList())
                    .containsExactly("{\"decision\":\"deny\",\"caller\":\"late\"}");
            assertThat(out.toString().lines().toList()).last().asString().contains(LATE);
        } finally {
            follower.interrupt();
            follower.join(5000);
        }
        assertThat(follower.isAlive()).isFalse();
    }

    @Test
    void errorsAreOneLine() {
        run("audit", "query", "--file", dir.resolve("nope.log").toString()).failsWithOneLine(1, "no audit log at");
        run("audit", "tail", "--file", dir.resolve("nope.log").toString()).failsWithOneLine(1, "no audit log at");
        run("audit", "query", "--file", file.toString(), "--since", "yesterday").failsWithOneLine(2, "--since");
        run("audit", "query", "--file", file.toString(), "--decision", "maybe").failsWithOneLine(2, "--decision");
    }
}
