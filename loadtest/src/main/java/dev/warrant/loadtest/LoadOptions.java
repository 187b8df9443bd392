package dev.warrant.loadtest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Command line of the load benchmark. Every run is bounded twice: a phase ends at its call count or at its
 * time limit, whichever comes first.
 *
 * <pre>
 * --agents 1,16            concurrent agents (every scenario runs at each value)
 * --rounds 3               rounds per client count; a round runs every scenario once, in turn, so the
 *                          scenarios it compares share the host's conditions; the verdict is the median round
 * --warmup-calls 20000     --warmup-seconds 10     warm-up phase per run (not measured; 3x in round 1)
 * --calls 100000           --seconds 15            measured phase per run
 * --hops 3                 delegation hops of the agents' token
 * --scenarios a,b          default: all (direct, proxy, warrant-http, warrant-jwt, warrant-stdio,
 *                          supergateway-stdio, direct-2026, proxy-2026, warrant-2026)
 * --doc docs/PERFORMANCE.md  results table is written between its load-results markers; "none" = don't
 * --node-tools node-tools  where supergateway is installed (npm ci)
 * --work-dir DIR           configs, keys, logs (default: a new temporary directory, kept)
 * --json FILE              also write the raw results as JSON
 * </pre>
 */
record LoadOptions(List<Integer> agents, int rounds, long warmupCalls, double warmupSeconds, long calls, double seconds, int hops,
                   Set<Scenario> scenarios, Optional<Path> doc, Path nodeTools, Path workDir, Optional<Path> json,
                   String commandLine) {

    static final Set<String> KNOWN = Set.of("agents", "rounds", "warmup-calls", "warmup-seconds", "calls", "seconds", "hops",
            "scenarios", "doc", "node-tools", "work-dir", "json");

    static LoadOptions parse(String... args) throws Exception {
        Map<String, String> o = Args.parse(args);
        for (String k : o.keySet()) {
            if (!KNOWN.contains(k)) {
                throw new IllegalArgumentException("unknown option --" + k + " (known: --" + String.join(", --", KNOWN) + ")");
            }
        }
        List<Integer> agents = Arrays.stream(o.getOrDefault("agents", "1,16").split(",")).map(String::trim)
                .map(s -> positive(Long.parseLong(s), "--agents")).map(Long::intValue).toList();
        Set<Scenario> scenarios = EnumSet.noneOf(Scenario.class);
        if (o.containsKey("scenarios")) {
            Arrays.stream(o.get("scenarios").split(",")).map(String::trim).map(Scenario::byId).forEach(scenarios::add);
        } else {
            scenarios.addAll(EnumSet.allOf(Scenario.class));
        }
        String doc = o.getOrDefault("doc", "docs/PERFORMANCE.md");
        Optional<Path> docPath = doc.equals("none") ? Optional.empty() : Optional.of(Path.of(doc));
        Path nodeTools = Path.of(o.getOrDefault("node-tools", System.getProperty("warrant.nodeTools", "node-tools")))
                .toAbsolutePath().normalize();
        Path workDir = o.containsKey("work-dir") ? Files.createDirectories(Path.of(o.get("work-dir")).toAbsolutePath())
                : Files.createTempDirectory("warrant-loadbench-");
        int rounds = (int) positive(Long.parseLong(o.getOrDefault("rounds", "3")), "--rounds");
        return new LoadOptions(agents, rounds, Long.parseLong(o.getOrDefault("warmup-calls", "20000")),
                Double.parseDouble(o.getOrDefault("warmup-seconds", "10")),
                positive(Long.parseLong(o.getOrDefault("calls", "100000")), "--calls"),
                Double.parseDouble(o.getOrDefault("seconds", "15")),
                Integer.parseInt(o.getOrDefault("hops", "3")), scenarios, docPath, nodeTools, workDir,
                Optional.ofNullable(o.get("json")).map(Path::of), shownCommandLine(o));
    }

    /** The options that shape the numbers, for the report (paths are local detail). */
    private static String shownCommandLine(Map<String, String> o) {
        StringBuilder b = new StringBuilder();
        o.forEach((k, v) -> {
            if (!Set.of("doc", "node-tools", "work-dir", "json").contains(k)) {
                b.append(b.length() == 0 ? "" : " ").append("--").append(k).append(' ').append(v);
            }
        });
        return b.toString();
    }

    private static long positive(long v, String option) {
        if (v <= 0) {
            throw new IllegalArgumentException(option + " must be positive");
        }
        return v;
    }
}
