package dev.warrant.benchmarks.curves;

import dev.warrant.delegation.TokenException;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.cluster.LocalRevocationIndex;
import dev.warrant.policies.Verdict;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * A token's first call versus its later ones, 21 statements. {@code cold}: parse, verify every block's
 * signature and the token contract, then the same decision on the fresh {@link VerifiedToken} (which prepares
 * its authorizer on that first use) — what a cache miss costs. {@code cached}: {@link CachedCallPath#call}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ColdVersusCachedCurve {
    @Param({"0", "3", "8"})
    public int hops;

    private CachedCallPath path;
    private String token;

    @Setup
    public void setUp() throws TokenException {
        token = CurveTokens.withHops(hops);
        path = new CachedCallPath(CurvePolicies.realistic(), new LocalRevocationIndex(), ToolCatalogs.withTools(1))
                .warm(token);
    }

    @Benchmark
    public Verdict cold() throws TokenException {
        return path.decide(CurveTokens.VERIFIER.verify(token));
    }

    @Benchmark
    public Verdict cached() {
        return path.call(token);
    }
}
