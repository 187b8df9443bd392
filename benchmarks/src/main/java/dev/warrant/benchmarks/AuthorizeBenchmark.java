package dev.warrant.benchmarks;

import dev.warrant.delegation.AuthorizationLimits;
import dev.warrant.delegation.Decision;
import dev.warrant.delegation.PolicySet;
import dev.warrant.delegation.RequestFacts;
import dev.warrant.delegation.TokenException;
import dev.warrant.delegation.VerifiedToken;
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
 * Cached authorization: the token was verified once (as the gateway's verified-token cache holds it); each call
 * evaluates the request facts over the token's prepared authorizer (token, chain facts and policy set converted
 * and compiled once, on the setup's first call, then shared read-only) (VerifiedToken.authorize). Run with
 * {@code -prof gc}: allocation per call is the load-independent number (docs/PERFORMANCE.md). Baseline: the 5 default statements; realistic: 16 operator statements + defaults;
 * flat: the same decisions as realistic without derived rules (12 + 5), to separate rule evaluation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AuthorizeBenchmark {
    @Param({"1", "3", "4", "8"})
    public int blocks;

    @Param({"defaults", "realistic", "flat"})
    public String policies;

    private VerifiedToken token;
    private PolicySet policySet;
    private RequestFacts request;
    private final AuthorizationLimits limits = AuthorizationLimits.defaults();

    @Setup
    public void setUp() throws TokenException {
        token = BenchmarkTokens.VERIFIER.verify(BenchmarkTokens.withBlocks(blocks));
        policySet = BenchmarkPolicies.named(policies);
        request = BenchmarkTokens.readNote();
        // Measure the path that matters: a call that is allowed after every check ran.
        Decision d = token.authorize(request, policySet, limits);
        if (!d.allowed()) {
            throw new IllegalStateException("benchmark request must be allowed, got " + d);
        }
    }

    @Benchmark
    public Decision authorize() {
        return token.authorize(request, policySet, limits);
    }
}
