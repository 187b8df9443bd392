package dev.warrant.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * DESIGN §11's end-to-end budget, checked against one run's results (ratios within the run, so a slower
 * machine moves baseline and gateway together):
 * <ul>
 *   <li>one client: Warrant's added latency over the direct call p50 <= 0.2 ms, p99 <= 1 ms;</li>
 *   <li>several clients (the budget names 16): throughput >= 60 % of the pass-through proxy's, added p99 <= 3 ms;</li>
 *   <li>over stdio: Warrant's latency no worse than the no-auth peer bridge's on the same server (p50 and p99);</li>
 *   <li>every run: zero errors (denials, rate limits and failures alike).</li>
 * </ul>
 */
final class Budget {

    /** One line of the verdict table. */
    record Check(String what, String value, String budget, boolean pass) {}

    private Budget() {}

    static List<Check> check(List<ScenarioResult> results) {
        List<Check> checks = new ArrayList<>();
        List<Integer> levels = results.stream().map(ScenarioResult::agents).distinct().toList();
        for (int n : levels) {
            Optional<ScenarioResult> direct = find(results, Scenario.DIRECT, n);
            Optional<ScenarioResult> proxy = find(results, Scenario.PROXY, n);
            Optional<ScenarioResult> http = find(results, Scenario.WARRANT_HTTP, n);
            Optional<ScenarioResult> stdio = find(results, Scenario.WARRANT_STDIO, n);
            Optional<ScenarioResult> peer = find(results, Scenario.PEER_STDIO, n);
            String at = n + (n == 1 ? " client" : " clients");
            if (http.isPresent() && direct.isPresent()) {
                double addedP50 = http.get().p50() - direct.get().p50();
                double addedP99 = http.get().p99() - direct.get().p99();
                if (n == 1) {
                    checks.add(new Check(at + ": Warrant's added p50 over direct", ms(addedP50), "<= 0.200 ms", addedP50 <= 200));
                    checks.add(new Check(at + ": Warrant's added p99 over direct", ms(addedP99), "<= 1.000 ms", addedP99 <= 1000));
                } else {
                    checks.add(new Check(at + ": Warrant's added p99 over direct", ms(addedP99), "<= 3.000 ms", addedP99 <= 3000));
                }
                checks.add(new Check(at + ": throughput Warrant / direct", ratio(http.get(), direct.get()), "(reported)", true));
            }
            if (http.isPresent() && proxy.isPresent()) {
                double r = http.get().throughput() / proxy.get().throughput();
                boolean applies = n > 1;
                checks.add(new Check(at + ": throughput Warrant / pass-through proxy", ratio(http.get(), proxy.get()),
                        applies ? ">= 0.60" : "(reported)", !applies || r >= 0.60));
            }
            if (stdio.isPresent() && peer.isPresent()) {
                checks.add(new Check(at + ": stdio p50, Warrant vs supergateway", ms(stdio.get().p50()) + " vs " + ms(peer.get().p50()),
                        "Warrant <= peer", stdio.get().p50() <= peer.get().p50()));
                checks.add(new Check(at + ": stdio p99, Warrant vs supergateway", ms(stdio.get().p99()) + " vs " + ms(peer.get().p99()),
                        "Warrant <= peer", stdio.get().p99() <= peer.get().p99()));
                checks.add(new Check(at + ": stdio throughput Warrant / supergateway", ratio(stdio.get(), peer.get()), "(reported)", true));
            }
        }
        long errors = results.stream().mapToLong(ScenarioResult::errors).sum();
        checks.add(new Check("errors in all runs (denials included)", Long.toString(errors), "0", errors == 0));
        return checks;
    }

    private static Optional<ScenarioResult> find(List<ScenarioResult> results, Scenario s, int agents) {
        return results.stream().filter(r -> r.scenario().equals(s.id) && r.agents() == agents).findFirst();
    }

    static String ms(double micros) {
        return String.format(Locale.ROOT, "%.3f ms", micros / 1000);
    }

    private static String ratio(ScenarioResult a, ScenarioResult b) {
        return b.throughput() == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", a.throughput() / b.throughput());
    }
}
