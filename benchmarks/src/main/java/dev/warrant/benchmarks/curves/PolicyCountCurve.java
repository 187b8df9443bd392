package dev.warrant.benchmarks.curves;

import dev.warrant.delegation.TokenException;
import dev.warrant.policies.Verdict;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * Cached authorization of one tools/call ({@link CachedCallPath}) versus the number of policy statements
 * ({@link CurvePolicies#ofSize}, defaults included), for a 3-hop token (the budget's reference chain, docs/ARCHITECTURE.md §10).
 * Also shows when a large set meets the authorizer's 5 ms run limit: setup fails if the call is not allowed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PolicyCountCurve {
    @Param({"10", "100", "1000"})
    public int statements;

    private CachedCallPath path;
    private String token;

    @Setup
    public void setUp() throws TokenException {
        token = CurveTokens.withHops(3);
        path = CachedCallPath.simple(CurvePolicies.ofSize(statements)).warm(token);
    }

    @TearDown
    public void tearDown() {
        path.reportRefusals("PolicyCountCurve statements=" + statements);
    }

    @Benchmark
    public Verdict cachedCall() {
        return path.call(token);
    }
}
