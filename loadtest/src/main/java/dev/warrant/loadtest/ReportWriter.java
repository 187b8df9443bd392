package dev.warrant.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The results as Markdown, and their place in docs/PERFORMANCE.md: everything between the two marker
 * comments is replaced, the rest of the file is left alone. A file without the markers gets them appended.
 */
final class ReportWriter {

    static final String BEGIN = "<!-- load-results:begin (written by the load benchmark; edits here are overwritten) -->";
    static final String END = "<!-- load-results:end -->";
    private static final String BEGIN_PREFIX = "<!-- load-results:begin";

    private ReportWriter() {}

    static String markdown(Machine m, LoadOptions o, String loadBefore, String loadAfter, List<ScenarioResult> results,
                           List<Budget.Check> checks) {
        StringBuilder md = new StringBuilder();
        md.append("Measured ").append(m.date()).append(" with `./bench/load.sh")
                .append(o.commandLine().isBlank() ? "" : " " + o.commandLine()).append("`: ")
                .append(o.hops()).append("-hop delegated token; per run a warm-up (three times as long in the first round) of up to ")
                .append(o.warmupCalls()).append(" calls / ").append(num(o.warmupSeconds())).append(" s, then up to ")
                .append(o.calls()).append(" calls / ").append(num(o.seconds())).append(" s measured; ")
                .append(o.rounds()).append(o.rounds() == 1 ? " round" : " rounds")
                .append(" per client count, each running every scenario in turn, and each budget line judged on its")
                .append(" median round (every round's value in brackets).\n\n");
        md.append("Machine: ").append(m.cores()).append(" cores, ").append(m.cpu()).append(", ").append(m.ram())
                .append(" RAM, ").append(m.jdk()).append(", ").append(m.os()).append(". Load average (1/5/15 min) before: ")
                .append(loadBefore).append(", after: ").append(loadAfter).append(".\n\n");
        md.append("| scenario | clients | round | calls | errors | p50 | p90 | p99 | max | throughput |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (ScenarioResult r : results) {
            md.append("| ").append(r.scenario()).append(" | ").append(r.agents()).append(" | ").append(r.round())
                    .append(" | ").append(r.calls())
                    .append(" | ").append(r.errors()).append(" | ").append(Budget.ms(r.p50())).append(" | ")
                    .append(Budget.ms(r.p90())).append(" | ").append(Budget.ms(r.p99())).append(" | ")
                    .append(Budget.ms(r.max())).append(" | ")
                    .append(String.format(Locale.ROOT, "%,.0f/s", r.throughput())).append(" |\n");
        }
        md.append("\n| budget (ARCHITECTURE.md §10) | measured | budget | met? |\n|---|---|---|---|\n");
        for (Budget.Check c : checks) {
            md.append("| ").append(c.what()).append(" | ").append(c.value()).append(" | ").append(c.budget())
                    .append(" | ").append(c.budget().startsWith("(") ? "-" : c.pass() ? "yes" : "**no**").append(" |\n");
        }
        md.append('\n');
        Set<String> shown = results.stream().map(ScenarioResult::scenario).collect(java.util.stream.Collectors.toSet());
        for (Scenario s : Scenario.values()) {
            if (shown.contains(s.id)) {
                md.append("- `").append(s.id).append("`: ").append(s.description).append('\n');
            }
        }
        List<String> errors = results.stream().filter(r -> r.errors() > 0)
                .map(r -> r.scenario() + " x" + r.agents() + ": " + String.join("; ", r.errorSamples())).toList();
        if (!errors.isEmpty()) {
            md.append("\nFirst errors: ").append(String.join(" / ", errors)).append('\n');
        }
        return md.toString();
    }

    /** Replaces the text between the markers of {@code doc} with {@code markdown}. */
    static void update(Path doc, String markdown) throws IOException {
        String text = Files.exists(doc) ? Files.readString(doc) : "";
        int begin = text.indexOf(BEGIN_PREFIX);
        int end = text.indexOf(END);
        String block = BEGIN + "\n" + markdown + END;
        String updated;
        if (begin >= 0 && end > begin) {
            updated = text.substring(0, begin) + block + text.substring(end + END.length());
        } else {
            updated = text + (text.endsWith("\n") || text.isEmpty() ? "" : "\n") + "\n## Load benchmark results\n\n" + block + "\n";
        }
        Files.writeString(doc, updated);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
