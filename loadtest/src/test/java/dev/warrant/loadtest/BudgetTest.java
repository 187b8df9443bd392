package dev.warrant.loadtest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The verdicts against the budget of docs/ARCHITECTURE.md §10 and the document update, on made-up results. */
class BudgetTest {

    @TempDir
    Path dir;

    private static ScenarioResult r(Scenario s, int agents, double p50, double p99, double rps, long errors) {
        return inRound(1, s, agents, p50, p99, rps, errors);
    }

    private static ScenarioResult inRound(int round, Scenario s, int agents, double p50, double p99, double rps,
                                          long errors) {
        return new ScenarioResult(s.id, agents, 10, 100, errors, List.of(), 1, rps, p50, p50, p99, p99, p50, round);
    }

    private static Budget.Check check(List<Budget.Check> checks, String prefix) {
        return checks.stream().filter(c -> c.what().startsWith(prefix)).findFirst().orElseThrow();
    }

    @Test
    void oneClientAddedLatencyAndManyClientsThroughputAreJudgedAgainstTheirBaselines() {
        List<Budget.Check> checks = Budget.check(List.of(
                r(Scenario.DIRECT, 1, 140, 300, 7000, 0), r(Scenario.WARRANT_HTTP, 1, 330, 1200, 3000, 0),
                r(Scenario.DIRECT, 16, 600, 2000, 24000, 0), r(Scenario.PROXY, 16, 1000, 3000, 14000, 0),
                r(Scenario.WARRANT_HTTP, 16, 1500, 5500, 8000, 0),
                r(Scenario.WARRANT_STDIO, 16, 1400, 5000, 9000, 0), r(Scenario.PEER_STDIO, 16, 1500, 4000, 8000, 2)));

        assertThat(check(checks, "1 client: Warrant's added p50").pass()).isTrue();      // 190 us
        assertThat(check(checks, "1 client: Warrant's added p99").pass()).isTrue();      // 900 us
        assertThat(check(checks, "16 clients: Warrant's added p99").pass()).isFalse();   // 3.5 ms
        assertThat(check(checks, "16 clients: throughput Warrant / pass-through proxy").value()).isEqualTo("0.57");
        assertThat(check(checks, "16 clients: throughput Warrant / pass-through proxy").pass()).isFalse();
        assertThat(check(checks, "16 clients: stdio p50").pass()).isTrue();
        assertThat(check(checks, "16 clients: stdio p99").pass()).isFalse();
        assertThat(check(checks, "errors").pass()).isFalse();
    }

    @Test
    void the2026PathIsJudgedByTheSameLinesAgainstItsOwnDirectCallAndItsOwnProxy() {
        List<Budget.Check> checks = Budget.check(List.of(
                r(Scenario.DIRECT, 16, 600, 2000, 24000, 0), r(Scenario.PROXY, 16, 1000, 3000, 14000, 0),
                r(Scenario.WARRANT_HTTP, 16, 1500, 4000, 9000, 0),
                r(Scenario.DIRECT_2026, 16, 500, 1500, 25000, 0), r(Scenario.PROXY_2026, 16, 1000, 3000, 12000, 0),
                r(Scenario.WARRANT_2026, 16, 1600, 5000, 7000, 0)));

        assertThat(check(checks, "16 clients: Warrant's added p99").pass()).isTrue();              // 2.0 ms
        assertThat(check(checks, "16 clients: throughput Warrant / pass-through proxy").value()).isEqualTo("0.64");
        assertThat(check(checks, "16 clients, 2026-07-28: Warrant's added p99").value()).isEqualTo("3.500 ms");
        assertThat(check(checks, "16 clients, 2026-07-28: Warrant's added p99").pass()).isFalse();
        Budget.Check share = check(checks, "16 clients, 2026-07-28: throughput Warrant / pass-through proxy");
        assertThat(share.value()).isEqualTo("0.58");                                               // of proxy-2026
        assertThat(share.pass()).isFalse();
        Budget.Check ofOld = check(checks, "16 clients, 2026-07-28: throughput Warrant / pass-through proxy of 2025");
        assertThat(ofOld.value()).isEqualTo("0.50");
        assertThat(ofOld.budget()).isEqualTo("(reported)");
    }

    @Test
    void theCachedJwtIdentityIsJudgedAgainstTheNativeTokenOfTheSameRound() {
        List<Budget.Check> checks = Budget.check(List.of(
                r(Scenario.DIRECT, 1, 140, 300, 7000, 0), r(Scenario.WARRANT_HTTP, 1, 330, 600, 3000, 0),
                r(Scenario.WARRANT_JWT, 1, 320, 650, 3100, 0)));

        assertThat(check(checks, "1 client: JWT identity's p50").value()).isEqualTo("-0.010 ms");
        assertThat(check(checks, "1 client: JWT identity's p50").pass()).isTrue();
        assertThat(check(checks, "1 client: JWT identity's p99").value()).isEqualTo("0.050 ms");
        assertThat(check(checks, "1 client: JWT identity's p99").pass()).isFalse();
        assertThat(check(checks, "1 client: throughput JWT identity / native token").value()).isEqualTo("1.03");
        assertThat(Budget.check(List.of(r(Scenario.WARRANT_HTTP, 1, 330, 600, 3000, 0))))
                .noneMatch(c -> c.what().contains("JWT"));
    }

    @Test
    void withSeveralRoundsEachLineIsComputedWithinARoundAndJudgedOnTheMedianRound() {
        List<Budget.Check> checks = Budget.check(List.of(
                // round 1: a busy host during Warrant's run (added p99 5 ms, 0.40 of the proxy)
                inRound(1, Scenario.DIRECT, 16, 600, 2000, 24000, 0), inRound(1, Scenario.PROXY, 16, 1000, 3000, 15000, 0),
                inRound(1, Scenario.WARRANT_HTTP, 16, 2500, 7000, 6000, 0),
                // rounds 2 and 3: a quiet one; a whole round slower, where the ratio still holds
                inRound(2, Scenario.DIRECT, 16, 600, 2000, 24000, 0), inRound(2, Scenario.PROXY, 16, 1000, 3000, 15000, 0),
                inRound(2, Scenario.WARRANT_HTTP, 16, 1500, 4500, 10000, 0),
                inRound(3, Scenario.DIRECT, 16, 900, 4000, 12000, 0), inRound(3, Scenario.PROXY, 16, 2000, 6000, 7000, 0),
                inRound(3, Scenario.WARRANT_HTTP, 16, 2600, 6800, 4500, 0)));

        Budget.Check share = check(checks, "16 clients: throughput Warrant / pass-through proxy");
        assertThat(share.value()).isEqualTo("0.64 (rounds: 0.40, 0.67, 0.64)");
        assertThat(share.pass()).isTrue();
        Budget.Check p99 = check(checks, "16 clients: Warrant's added p99");
        assertThat(p99.value()).isEqualTo("2.800 ms (rounds: 5.000 ms, 2.500 ms, 2.800 ms)");
        assertThat(p99.pass()).isTrue();
        assertThat(Budget.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    }

    @Test
    void aDocumentWithoutMarkersGetsTheBlockAppendedAndASecondRunReplacesIt() throws Exception {
        Path doc = dir.resolve("doc.md");
        Files.writeString(doc, "# Doc\ntext");
        ReportWriter.update(doc, "first\n");
        ReportWriter.update(doc, "second\n");
        assertThat(Files.readString(doc)).isEqualTo("# Doc\ntext\n\n## Load benchmark results\n\n"
                + ReportWriter.BEGIN + "\nsecond\n" + ReportWriter.END + "\n");
    }
}
