package dev.warrant.loadtest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The load generator, run as its own JVM so that its cost shows up as a separate process: N agents on one
 * Vert.x event loop and HTTP/1.1 keep-alive connections (one per agent), a warm-up phase, then the measured
 * phase. Writes a {@link ScenarioResult} as JSON to {@code --out}.
 *
 * <pre>
 * LoadGenerator --scenario NAME --url URL --tool NAME --token-file F --agents N
 *               --warmup-calls C --warmup-seconds S --calls C --seconds S --out FILE
 * </pre>
 */
public final class LoadGenerator {

    private LoadGenerator() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = Args.parse(args);
        String scenario = o.get("scenario");
        int agents = Integer.parseInt(o.get("agents"));
        String token = Files.readString(Path.of(o.get("token-file"))).strip();
        ScenarioResult result = run(scenario, URI.create(o.get("url")), o.get("tool"), token, agents,
                Long.parseLong(o.get("warmup-calls")), Double.parseDouble(o.get("warmup-seconds")),
                Long.parseLong(o.get("calls")), Double.parseDouble(o.get("seconds")));
        Files.writeString(Path.of(o.get("out")), result.toJson().encodePrettily());
        System.exit(0);
    }

    static ScenarioResult run(String scenario, URI url, String tool, String token, int agents, long warmupCalls,
                              double warmupSeconds, long calls, double seconds) throws Exception {
        // One event loop: the generator should cost one core at most, and agents need no locks.
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try {
            HttpClient client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1)
                    .setKeepAlive(true).setPipelining(false), new PoolOptions().setHttp1MaxSize(agents));
            Context context = vertx.getOrCreateContext();
            List<McpAgent> all = new ArrayList<>();
            for (int i = 0; i < agents; i++) {
                all.add(new McpAgent(client, context, url, token, tool, 30_000, Scenario.byId(scenario).modern()));
            }
            // Sessions open before the clock starts (a peer bridge may start a process per session).
            List<Future<Void>> opened = new ArrayList<>();
            for (McpAgent a : all) {
                opened.add(a.open(120_000));
            }
            try {
                Future.all(opened).await(180, TimeUnit.SECONDS);
            } catch (Exception e) {
                return ScenarioResult.failed(scenario, agents, "session setup failed: " + e.getMessage());
            }
            phase(all, new Phase(false, warmupCalls, warmupSeconds));
            long start = System.nanoTime();
            phase(all, new Phase(true, calls, seconds));
            long elapsed = System.nanoTime() - start;
            List<Future<Void>> closed = new ArrayList<>();
            all.forEach(a -> closed.add(a.close()));
            try {
                Future.all(closed).await(10, TimeUnit.SECONDS);
            } catch (Exception slowClose) {
                // Best effort: the measurement is already complete.
            }

            Histogram merged = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
            long measured = 0, warm = 0, errors = 0;
            List<String> samples = new ArrayList<>();
            for (McpAgent a : all) {
                merged.add(a.latencies);
                measured += a.measuredCalls;
                warm += a.warmupCalls;
                errors += a.errors;
                a.errorSamples.stream().limit(5 - samples.size()).forEach(samples::add);
            }
            return ScenarioResult.of(scenario, agents, warm, measured, errors, samples, elapsed, merged);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static void phase(List<McpAgent> agents, Phase phase) throws Exception {
        List<Future<Void>> running = new ArrayList<>();
        for (McpAgent a : agents) {
            running.add(a.run(phase));
        }
        Future.all(running).await();
    }
}
