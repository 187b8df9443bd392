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
 * Cached authorization of one tools/call ({@link CachedCallPath}) versus delegation chain depth, with the
 * 21-statement realistic policy set. docs/ARCHITECTURE.md §10 allows at worst linear growth in depth.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ChainDepthCurve {
    @Param({"1", "2", "4", "8", "16"})
    public int hops;

    private CachedCallPath path;
    private String token;

    @Setup
    public void setUp() throws TokenException {
        token = CurveTokens.withHops(hops);
        path = CachedCallPath.simple(CurvePolicies.realistic()).warm(token);
    }

    @TearDown
    public void tearDown() {
        path.reportRefusals("ChainDepthCurve hops=" + hops);
    }

    @Benchmark
    public Verdict cachedCall() {
        return path.call(token);
    }
}
