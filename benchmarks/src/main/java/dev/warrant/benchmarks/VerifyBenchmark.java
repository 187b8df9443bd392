package dev.warrant.benchmarks;

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
 * Cold verification, what the first use of a token costs before the gateway caches it: size check, base64url,
 * protobuf, signature canonicity, one Ed25519 verification per block, token contract (Verifier.verify).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class VerifyBenchmark {
    @Param({"1", "3", "4", "8"})
    public int blocks;

    private String token;

    @Setup
    public void setUp() throws TokenException {
        token = BenchmarkTokens.withBlocks(blocks);
        VerifiedToken v = BenchmarkTokens.VERIFIER.verify(token);
        if (v.blockCount() != blocks) {
            throw new IllegalStateException("expected " + blocks + " blocks, got " + v.blockCount());
        }
    }

    @Benchmark
    public VerifiedToken verify() throws TokenException {
        return BenchmarkTokens.VERIFIER.verify(token);
    }
}
