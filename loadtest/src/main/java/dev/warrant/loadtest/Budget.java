package dev.warrant.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The end-to-end budget of docs/ARCHITECTURE.md §10, checked against one run's results (ratios within the run, so a slower
 * machine moves baseline and gateway together):
 * <ul>
 *   <li>one client: Warrant's added latency over the direct call p50 <= 0.2 ms, p99 <= 1 ms;</li>
 *   <li>several clients (the budget names 16): throughput >= 60 % of the pass-through proxy's, added p99 <= 3 ms;</li>
 *   <li>over stdio: Warrant's latency no worse than the no-auth peer bridge's on the same server (p50 and p99);</li>
 *   <li>the 2026-07-28 path (a 2026 agent through Warrant to a 2026 server) is held to the same latency and
 *   throughput lines, against that server called directly and through the same proxy with the same requests;</li>
 *   <li>a cached JWT-derived identity ({@code warrant-jwt}) costs no more per call than the native token
 *   ({@code warrant-http}, same gateway, upstream and policies): p50 and p99 no higher (issue 18);</li>
 *   <li>every run: zero errors (denials, rate limits and failures alike).</li>
 * </ul>
 *
 * <p>Each line is computed within each round (the scenarios of a round ran one after the other, under the same
 * host conditions) and judged on the median round. Why: on a shared 2-vCPU host a burst of someone else's work
 * during one scenario's run moves a single-round ratio by more than the budget's margins (docs/PERFORMANCE-HISTORY.md
 * lists runs of the same code 2-5x apart); the median of interleaved rounds is the usual answer, and every
 * round's value is shown next to it.
 */
final class Budget {

    /** One line of the verdict table. */
    record Check(String what, String value, String budget, boolean pass) {}

    private Budget() {}

    static List<Check> check(List<ScenarioResult> results) {
        List<Check> checks = new ArrayList<>();
        List<Integer> levels = results.stream().map(ScenarioResult::agents).distinct().toList();
        for (int n : levels) {
            List<Round> rounds = rounds(results, n);
            String at = n + (n == 1 ? " client" : " clients");
            latencyAndThroughput(checks, rounds, n, at, Scenario.WARRANT_HTTP, Scenario.DIRECT, Scenario.PROXY);
            latencyAndThroughput(checks, rounds, n, at + ", 2026-07-28", Scenario.WARRANT_2026, Scenario.DIRECT_2026,
                    Scenario.PROXY_2026);
            // The 2025 proxy carries lighter traffic (no envelope, no routing headers) to a lighter server: shown
            // for comparison with runs before proxy-2026 existed, not judged.
            List<Double> ofOldProxy = each(rounds, r -> r.throughputRatio(Scenario.WARRANT_2026, Scenario.PROXY));
            if (!ofOldProxy.isEmpty()) {
                checks.add(new Check(at + ", 2026-07-28: throughput Warrant / pass-through proxy of 2025 traffic",
                        ratio(ofOldProxy), "(reported)", true));
            }
            jwtAgainstNative(checks, rounds, at);
            List<Double> stdioP50 = each(rounds, r -> r.value(Scenario.WARRANT_STDIO, ScenarioResult::p50));
            List<Double> peerP50 = each(rounds, r -> r.value(Scenario.PEER_STDIO, ScenarioResult::p50));
            if (!stdioP50.isEmpty() && !peerP50.isEmpty()) {
                List<Double> stdioP99 = each(rounds, r -> r.value(Scenario.WARRANT_STDIO, ScenarioResult::p99));
                List<Double> peerP99 = each(rounds, r -> r.value(Scenario.PEER_STDIO, ScenarioResult::p99));
                checks.add(new Check(at + ": stdio p50, Warrant vs supergateway", ms(stdioP50) + " vs " + ms(peerP50),
                        "Warrant <= peer", median(stdioP50) <= median(peerP50)));
                checks.add(new Check(at + ": stdio p99, Warrant vs supergateway", ms(stdioP99) + " vs " + ms(peerP99),
                        "Warrant <= peer", median(stdioP99) <= median(peerP99)));
                checks.add(new Check(at + ": stdio throughput Warrant / supergateway",
                        ratio(each(rounds, r -> r.throughputRatio(Scenario.WARRANT_STDIO, Scenario.PEER_STDIO))),
                        "(reported)", true));
            }
        }
        long errors = results.stream().mapToLong(ScenarioResult::errors).sum();
        checks.add(new Check("errors in all runs (denials included)", Long.toString(errors), "0", errors == 0));
        return checks;
    }

    /**
     * The latency and throughput lines for one path through Warrant against the same server called directly and
     * through the pass-through proxy, with the same requests: the 2025 path, and the 2026-07-28 path (a 2026 agent
     * through Warrant to a 2026 server), judged alike.
     */
    private static void latencyAndThroughput(List<Check> checks, List<Round> rounds, int n, String at,
                                             Scenario warrant, Scenario direct, Scenario proxy) {
        List<Double> addedP50 = each(rounds, r -> r.minus(warrant, direct, ScenarioResult::p50));
        List<Double> addedP99 = each(rounds, r -> r.minus(warrant, direct, ScenarioResult::p99));
        if (!addedP99.isEmpty()) {
            if (n == 1) {
                checks.add(new Check(at + ": Warrant's added p50 over direct", ms(addedP50), "<= 0.200 ms",
                        median(addedP50) <= 200));
                checks.add(new Check(at + ": Warrant's added p99 over direct", ms(addedP99), "<= 1.000 ms",
                        median(addedP99) <= 1000));
            } else {
                checks.add(new Check(at + ": Warrant's added p99 over direct", ms(addedP99), "<= 3.000 ms",
                        median(addedP99) <= 3000));
            }
            checks.add(new Check(at + ": throughput Warrant / direct",
                    ratio(each(rounds, r -> r.throughputRatio(warrant, direct))), "(reported)", true));
        }
        List<Double> ofProxy = each(rounds, r -> r.throughputRatio(warrant, proxy));
        if (!ofProxy.isEmpty()) {
            boolean applies = n > 1;
            checks.add(new Check(at + ": throughput Warrant / pass-through proxy", ratio(ofProxy),
                    applies ? ">= 0.60" : "(reported)", !applies || median(ofProxy) >= 0.60));
        }
    }

    /**
     * A JWT's identity, once minted and cached, against the delegated Biscuit on the same path: only the bearer
     * differs, so the difference is what the cached JWT costs per call (a digest and a lookup instead of the
     * session's memo; a one-block minted token instead of the delegated chain).
     */
    private static void jwtAgainstNative(List<Check> checks, List<Round> rounds, String at) {
        List<Double> p50 = each(rounds, r -> r.minus(Scenario.WARRANT_JWT, Scenario.WARRANT_HTTP, ScenarioResult::p50));
        if (p50.isEmpty()) {
            return;
        }
        List<Double> p99 = each(rounds, r -> r.minus(Scenario.WARRANT_JWT, Scenario.WARRANT_HTTP, ScenarioResult::p99));
        checks.add(new Check(at + ": JWT identity's p50 minus the native token's", ms(p50), "<= 0.000 ms",
                median(p50) <= 0));
        checks.add(new Check(at + ": JWT identity's p99 minus the native token's", ms(p99), "<= 0.000 ms",
                median(p99) <= 0));
        checks.add(new Check(at + ": throughput JWT identity / native token",
                ratio(each(rounds, r -> r.throughputRatio(Scenario.WARRANT_JWT, Scenario.WARRANT_HTTP))),
                "(reported)", true));
    }

    /** The results of one round at one client count, by scenario. */
    private record Round(List<ScenarioResult> results) {

        Optional<ScenarioResult> find(Scenario s) {
            return results.stream().filter(r -> r.scenario().equals(s.id)).findFirst();
        }

        Optional<Double> value(Scenario s, Function<ScenarioResult, Double> metric) {
            return find(s).map(metric);
        }

        Optional<Double> minus(Scenario a, Scenario b, Function<ScenarioResult, Double> metric) {
            return find(a).flatMap(x -> find(b).map(y -> metric.apply(x) - metric.apply(y)));
        }

        Optional<Double> throughputRatio(Scenario a, Scenario b) {
            return find(a).flatMap(x -> find(b).filter(y -> y.throughput() > 0).map(y -> x.throughput() / y.throughput()));
        }
    }

    private static List<Round> rounds(List<ScenarioResult> results, int agents) {
        return results.stream().filter(r -> r.agents() == agents).map(ScenarioResult::round).distinct().sorted()
                .map(round -> new Round(results.stream().filter(r -> r.agents() == agents && r.round() == round).toList()))
                .toList();
    }

    private static List<Double> each(List<Round> rounds, Function<Round, Optional<Double>> line) {
        return rounds.stream().map(line).flatMap(Optional::stream).toList();
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String ms(double micros) {
        return String.format(Locale.ROOT, "%.3f ms", micros / 1000);
    }

    /** The median, and with several rounds every round's value in run order. */
    private static String ms(List<Double> micros) {
        return shown(micros, Budget::ms);
    }

    private static String ratio(List<Double> ratios) {
        return shown(ratios, r -> String.format(Locale.ROOT, "%.2f", r));
    }

    private static String shown(List<Double> values, Function<Double, String> format) {
        String median = format.apply(median(values));
        return values.size() == 1 ? median
                : median + " (rounds: " + values.stream().map(format).collect(Collectors.joining(", ")) + ")";
    }
}
