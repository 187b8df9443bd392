package dev.warrant.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.List;

/**
 * What one generator run measured: latencies in microseconds, throughput in calls per second of the measured
 * phase, and every non-success (warm-up included). Travels from the generator JVM to the runner as JSON.
 */
record ScenarioResult(String scenario, int agents, long warmupCalls, long calls, long errors, List<String> errorSamples,
                      double seconds, double throughput, double p50, double p90, double p99, double max, double mean,
                      int round) {

    static ScenarioResult of(String scenario, int agents, long warmupCalls, long calls, long errors,
                             List<String> errorSamples, long nanos, Histogram h) {
        double seconds = nanos / 1e9;
        return new ScenarioResult(scenario, agents, warmupCalls, calls, errors, List.copyOf(errorSamples), seconds,
                seconds > 0 ? calls / seconds : 0, micros(h.getValueAtPercentile(50)), micros(h.getValueAtPercentile(90)),
                micros(h.getValueAtPercentile(99)), micros(h.getMaxValue()), h.getTotalCount() == 0 ? 0 : h.getMean() / 1e3, 1);
    }

    private static double micros(long nanos) {
        return nanos / 1e3;
    }

    /** The same measurement as the {@code round}-th run of its scenario (the generator does not know it). */
    ScenarioResult inRound(int round) {
        return new ScenarioResult(scenario, agents, warmupCalls, calls, errors, errorSamples, seconds, throughput, p50,
                p90, p99, max, mean, round);
    }

    JsonObject toJson() {
        return new JsonObject().put("scenario", scenario).put("agents", agents).put("warmupCalls", warmupCalls)
                .put("calls", calls).put("errors", errors).put("errorSamples", new JsonArray(errorSamples))
                .put("seconds", seconds).put("throughput", throughput).put("p50", p50).put("p90", p90)
                .put("p99", p99).put("max", max).put("mean", mean).put("round", round);
    }

    static ScenarioResult fromJson(JsonObject j) {
        return new ScenarioResult(j.getString("scenario"), j.getInteger("agents"), j.getLong("warmupCalls"),
                j.getLong("calls"), j.getLong("errors"),
                j.getJsonArray("errorSamples").stream().map(String::valueOf).toList(), j.getDouble("seconds"),
                j.getDouble("throughput"), j.getDouble("p50"), j.getDouble("p90"), j.getDouble("p99"),
                j.getDouble("max"), j.getDouble("mean"), j.getInteger("round", 1));
    }

    /** A run that could not even open its sessions: every agent counts as an error. */
    static ScenarioResult failed(String scenario, int agents, String why) {
        return new ScenarioResult(scenario, agents, 0, 0, Math.max(1, agents), List.of(why), 0, 0, 0, 0, 0, 0, 0, 1);
    }
}
