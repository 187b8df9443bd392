package dev.warrant.benchmarks.curves;

import dev.warrant.delegation.TokenException;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.cluster.LocalRevocationIndex;
import dev.warrant.gateway.cluster.Revocation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The per-request revocation check ({@link LocalRevocationIndex#isRevoked}, the gateway's class) for a 3-hop
 * token that is not revoked, versus the number of entries in force. Entries are what operators revoke:
 * 90 % block revocation ids (random 64-byte ids, like Ed25519 signatures), 5 % agents (half of them with
 * "issued before"), 5 % tasks. docs/ARCHITECTURE.md §5.2 and §10: flat in the number of entries.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RevocationCurve {
    @Param({"0", "10000", "1000000"})
    public int entries;

    private LocalRevocationIndex index;
    private VerifiedToken token;

    @Setup
    public void setUp() throws TokenException {
        index = filled(entries);
        token = CurveTokens.VERIFIER.verify(CurveTokens.withHops(3));
        if (index.isRevoked(token)) {
            throw new IllegalStateException("the curve's token must not be revoked");
        }
    }

    static LocalRevocationIndex filled(int entries) {
        LocalRevocationIndex index = new LocalRevocationIndex();
        SplittableRandom random = new SplittableRandom(42);
        HexFormat hex = HexFormat.of();
        Duration ttl = Duration.ofHours(24);
        byte[] id = new byte[64];
        for (int i = 0; i < entries; i++) {
            int kind = i % 20;
            Revocation r;
            if (kind == 0) {
                Optional<java.time.Instant> before = i % 40 == 0 ? Optional.empty()
                        : Optional.of(CurveTokens.NOW.minusSeconds(3600));
                r = Revocation.ofAgent("agent-" + i, before, CurveTokens.NOW, ttl, "curve");
            } else if (kind == 1) {
                r = Revocation.ofTask("T-" + i, CurveTokens.NOW, ttl, "curve");
            } else {
                for (int b = 0; b < id.length; b++) {
                    id[b] = (byte) random.nextInt(256);
                }
                r = Revocation.ofId(hex.formatHex(id), CurveTokens.NOW, ttl, "curve");
            }
            index.add(r);
        }
        if (index.size() != entries) {
            throw new IllegalStateException("index holds " + index.size() + " entries, wanted " + entries);
        }
        return index;
    }

    @Benchmark
    public boolean isRevoked() {
        return index.isRevoked(token);
    }
}
