package dev.warrant.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The load benchmark in one command: starts the echo server, the pass-through proxy, {@code warrant serve} and
 * the supergateway bridge (each its own process), then for every client count runs rounds of every scenario in
 * turn, each run with a fresh load-generator JVM, prints the results with the budget of docs/ARCHITECTURE.md §10, and rewrites the
 * results block of docs/PERFORMANCE.md. Exit code 0 when no call failed, 1 when any did (or a target failed), 2 for a bad
 * command line. A missed budget is reported, not an error: the harness worked.
 */
public final class LoadBench {

    /** Outcome of a whole benchmark run. */
    record Outcome(List<ScenarioResult> results, List<Budget.Check> checks, String markdown) {
        long errors() {
            return results.stream().mapToLong(ScenarioResult::errors).sum();
        }
    }

    /** What an agent of a scenario presents: the delegated Biscuit, or for warrant-jwt the issuer's JWT. */
    private record Bearer(String text, Path file) {}

    private LoadBench() {}

    public static void main(String[] args) {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (Exception e) {
            System.err.println("loadtest: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            Outcome outcome = run(options);
            System.out.println(outcome.markdown());
            options.doc().ifPresent(d -> System.out.println("loadtest: results written to " + d));
            System.exit(outcome.errors() == 0 ? 0 : 1);
        } catch (Exception e) {
            System.err.println("loadtest: " + e.getMessage() + " (logs in " + options.workDir() + ")");
            System.exit(1);
        }
    }

    static Outcome run(LoadOptions o) throws Exception {
        Path dir = o.workDir();
        String delegated = Tokens.delegated(dir.resolve("keys"), o.hops(), Duration.ofHours(6),
                List.of(WarrantNode.HTTP_UPSTREAM, WarrantNode.STDIO_UPSTREAM, WarrantNode.MODERN_UPSTREAM));
        Map<Scenario, Bearer> bearers = new EnumMap<>(Scenario.class);
        Bearer biscuit = new Bearer(delegated, Files.writeString(dir.resolve("agent.token"), delegated));
        o.scenarios().forEach(s -> bearers.put(s, biscuit));
        Optional<JwtIssuer> issuer = Optional.empty();
        if (o.scenarios().contains(Scenario.WARRANT_JWT)) {
            issuer = Optional.of(JwtIssuer.create(ChildProcess.freePort()));
            String jwt = issuer.get().accessToken(WarrantNode.RESOURCE, Duration.ofHours(6));
            bearers.put(Scenario.WARRANT_JWT, new Bearer(jwt, Files.writeString(dir.resolve("agent.jwt"), jwt)));
        }
        String loadBefore = Machine.loadAverage();
        List<ScenarioResult> results = new ArrayList<>();
        log("starting the targets; work dir " + dir);
        try (Targets targets = Targets.start(o.scenarios(), dir, o.nodeTools(), issuer)) {
            for (Scenario s : o.scenarios()) {
                // For warrant-jwt this first call is the JWT's first use (verified, mapped, minted); every
                // measured call after it finds the cached identity.
                awaitReady(targets, s, bearers.get(s).text());
            }
            log("targets ready");
            for (int agents : o.agents()) {
                for (int round = 1; round <= o.rounds(); round++) {
                    for (Scenario s : o.scenarios()) {
                        log("run " + s.id + " with " + agents + " agent(s), round " + round + " of " + o.rounds());
                        ScenarioResult r = generate(o, targets, s, agents, round, bearers.get(s).file());
                        List<String> dead = targets.dead();
                        if (!dead.isEmpty()) {
                            throw new IllegalStateException("a target died during " + s.id + ": " + String.join("; ", dead));
                        }
                        log(String.format(java.util.Locale.ROOT, "  %d calls, %d errors, p50 %s, p99 %s, %.0f/s",
                                r.calls(), r.errors(), Budget.ms(r.p50()), Budget.ms(r.p99()), r.throughput()));
                        results.add(r);
                    }
                }
            }
        }
        String loadAfter = Machine.loadAverage();
        List<Budget.Check> checks = Budget.check(results);
        String md = ReportWriter.markdown(Machine.describe(), o, loadBefore, loadAfter, results, checks);
        if (o.doc().isPresent()) {
            ReportWriter.update(o.doc().get(), md);
        }
        if (o.json().isPresent()) {
            JsonArray all = new JsonArray();
            results.forEach(r -> all.add(r.toJson()));
            Files.writeString(o.json().get(), new JsonObject().put("results", all).encodePrettily());
        }
        return new Outcome(results, checks, md);
    }

    /** One successful call before measuring: a gateway serves only once its upstreams' catalogs are in. */
    private static void awaitReady(Targets targets, Scenario s, String token) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        ScenarioResult probe;
        do {
            probe = LoadGenerator.run(s.id, targets.url(s), Targets.tool(s), token, 1, 0, 0, 1, 30);
            if (probe.errors() == 0 && probe.calls() == 1) {
                return;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException(s.id + " is not ready: " + String.join("; ", probe.errorSamples()));
    }

    private static ScenarioResult generate(LoadOptions o, Targets targets, Scenario s, int agents, int round,
                                           Path tokenFile) throws Exception {
        String name = s.id + "-" + agents + "-" + round;
        // The first round meets targets whose JIT compilers are still at work (a gateway's first 10 s of calls
        // ran 2x slower than its later ones): its warm-up is three times as long.
        long warmupCalls = round == 1 ? 3 * o.warmupCalls() : o.warmupCalls();
        double warmupSeconds = round == 1 ? 3 * o.warmupSeconds() : o.warmupSeconds();
        Path out = o.workDir().resolve("result-" + name + ".json");
        Files.deleteIfExists(out);
        try (ChildProcess generator = ChildProcess.start("generator-" + name,
                ChildProcess.java(LoadGenerator.class.getName(), "--scenario", s.id, "--url", targets.url(s).toString(),
                        "--tool", Targets.tool(s), "--token-file", tokenFile.toString(),
                        "--agents", Integer.toString(agents), "--warmup-calls", Long.toString(warmupCalls),
                        "--warmup-seconds", Double.toString(warmupSeconds), "--calls", Long.toString(o.calls()),
                        "--seconds", Double.toString(o.seconds()), "--out", out.toString()),
                o.workDir(), java.util.Map.of())) {
            generator.awaitExit(Duration.ofSeconds((long) (warmupSeconds + o.seconds()) + 300));
        }
        return ScenarioResult.fromJson(new JsonObject(Files.readString(out))).inRound(round);
    }

    private static final long STARTED = System.nanoTime();

    private static void log(String line) {
        System.err.printf(java.util.Locale.ROOT, "loadtest: [%6.1f s] %s%n", (System.nanoTime() - STARTED) / 1e9, line);
    }
}
