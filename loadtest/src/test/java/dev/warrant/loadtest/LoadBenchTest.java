package dev.warrant.loadtest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole harness at tiny scale: every process really starts (echo server, proxy, {@code warrant serve},
 * supergateway, generator JVMs), every scenario makes 200 calls with one agent holding a 3-hop token, no call
 * fails, and the results block of the document is rewritten in place.
 */
class LoadBenchTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(420) // ~25 s on an idle 2-core machine; generous for a shared, loaded one
    void everyScenarioRunsEndToEndWithoutErrorsAndTheDocumentIsRewritten() throws Exception {
        Path doc = dir.resolve("PERFORMANCE.md");
        Files.writeString(doc, "# Performance\n\nintro\n\n" + ReportWriter.BEGIN + "\nstale table\n" + ReportWriter.END
                + "\n\n## Later section\n");

        LoadBench.Outcome outcome = LoadBench.run(LoadOptions.parse("--agents", "1", "--warmup-calls", "50",
                "--warmup-seconds", "5", "--calls", "200", "--seconds", "20", "--rounds", "1", "--doc", doc.toString(),
                "--work-dir", dir.resolve("work").toString()));

        assertThat(outcome.results()).extracting(ScenarioResult::scenario)
                .containsExactly(Arrays.stream(Scenario.values()).map(s -> s.id).toArray(String[]::new));
        assertThat(outcome.results()).allSatisfy(r -> {
            assertThat(r.errors()).as(r.scenario() + " errors: " + r.errorSamples()).isZero();
            assertThat(r.calls()).as(r.scenario()).isEqualTo(200);
            assertThat(r.warmupCalls()).as(r.scenario() + ": the first round warms up three times as long").isEqualTo(150);
            assertThat(r.p50()).as(r.scenario()).isPositive().isLessThanOrEqualTo(r.p99());
            assertThat(r.p99()).isLessThanOrEqualTo(r.max());
            assertThat(r.throughput()).isPositive();
        });
        assertThat(outcome.checks()).filteredOn(c -> c.what().startsWith("errors")).singleElement()
                .satisfies(c -> assertThat(c.pass()).isTrue());

        String text = Files.readString(doc);
        assertThat(text).startsWith("# Performance\n\nintro\n\n").endsWith("\n\n## Later section\n")
                .doesNotContain("stale table")
                .contains("| warrant-http | 1 | 1 | 200 | 0 |", "| supergateway-stdio | 1 | 1 | 200 | 0 |",
                        "cores", "Warrant's added p50 over direct", "| errors in all runs (denials included) | 0 | 0 | yes |");
    }
}
