package dev.warrant.delegation.property;

import dev.warrant.delegation.AuthorizationLimits;
import dev.warrant.delegation.Decision;
import dev.warrant.delegation.DenyReason;
import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.PolicySet;
import dev.warrant.delegation.RequestFacts;
import dev.warrant.delegation.TokenException;
import dev.warrant.delegation.VerifiedToken;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.warrant.delegation.property.TestKeys.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hand-built hops (any Biscuit library can append them): facts named like rights, request and authorizer facts,
 * rules deriving them, and blocks built to blow up evaluation. None may ever widen; bombs are denied with a
 * limit reason, quickly, and do not slow down an ordinary authorization running beside them.
 */
class HostileBlockPropertyTest {
    static final String PEER = "spiffe://example.org/planner";

    /** Every statement a widening attempt could use: the token vocabulary of docs/ARCHITECTURE.md §3, as facts and as rules. */
    static final List<String> HOSTILE = List.of(
            "right(\"tool\", \"notes\", \"*\")",
            "right(\"tool\", \"fs\", \"write_note\")",
            "right(\"admin\", \"warrant\", \"*\")",
            "caller(\"planner\")", "chain(\"admin\")", "depth(0)", "agent(\"admin\")", "task(\"T-0\")",
            "peer(\"" + PEER + "\")",
            "time(2020-01-01T00:00:00Z)",
            "request(\"tool\", \"notes\", \"write_note\")",
            "method(\"tools/list\")", "server(\"notes\")",
            "arg(\"mode\", \"r\")", "arg(\"n\", 1)",
            "arg_path(\"path\", \"/notes/public/x.md\")",
            "risk(\"low\")",
            "expires(2099-01-01T00:00:00Z)", "issued_at(2099-01-01T00:00:00Z)",
            "right($k, $s, \"*\") <- request($k, $s, $n)",
            "right($k, $s, $n) <- request($k, $s, $n)",
            "method(\"tools/list\") <- time($t)",
            "time(2020-01-01T00:00:00Z) <- request($k, $s, $n)",
            "peer(\"" + PEER + "\") <- request($k, $s, $n)",
            "arg_path(\"path\", \"/notes/public/x.md\") <- request($k, $s, $n)",
            "expires(2099-01-01T00:00:00Z) <- time($t)",
            "right($k, $s, $n) <- request($k, $s, $n) trusting authority",
            "check if true");

    record Case(String parent, List<String> hostile) {}

    @Property(tries = 30, shrinking = ShrinkingMode.OFF)
    void handBuiltHopsNeverWiden(@ForAll("cases") Case c,
                                 @ForAll("requests") List<RequestFacts> requests) throws Exception {
        String child = RawBlocks.append(c.parent(), c.hostile());
        VerifiedToken parent = VERIFIER.verify(c.parent());
        VerifiedToken widened = VERIFIER.verify(child);
        assertThat(widened.agent()).isEqualTo(parent.agent());
        assertThat(widened.caller()).isEqualTo(parent.caller());
        assertThat(widened.expiresAt()).isEqualTo(parent.expiresAt());
        for (RequestFacts r : requests) {
            if (decide(widened, r).allowed()) {
                assertThat(decide(parent, r).allowed()).as("%s widened the token for %s", c.hostile(), r).isTrue();
            }
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<String> parent = Combinators.combine(
                Arbitraries.of("read_note", "list_notes", "*"),
                Arbitraries.of(true, false),
                ChainNarrowingPropertyTest.hop().map(ChainNarrowingPropertyTest.Hop::spec).list().ofMaxSize(2))
                .as((tool, peerBound, hops) -> {
                    MintSpec.Builder m = MintSpec.builder("planner").right("tool", "notes", tool).ttl(Duration.ofHours(2));
                    if (peerBound) {
                        m.peer(PEER);
                    }
                    String token = MINTER.mint(m.build());
                    for (HopSpec h : hops) {
                        token = Delegator.attenuate(token, h, CLOCK);
                    }
                    return token;
                });
        return Combinators.combine(parent, Arbitraries.of(HOSTILE).list().ofMinSize(1).ofMaxSize(6)).as(Case::new);
    }

    @Provide
    Arbitrary<List<RequestFacts>> requests() {
        Arbitrary<RequestFacts> withPeer = Combinators.combine(ChainNarrowingPropertyTest.request(), Arbitraries.of(true, false))
                .as((r, p) -> p ? new RequestFacts(r.time(), r.method(), r.kind(), r.server(), r.name(), r.args(),
                        r.argPaths(), r.risk(), java.util.Optional.of(PEER)) : r);
        return withPeer.list().ofMinSize(4).ofMaxSize(8);
    }

    // ---- evaluation bombs ----

    /**
     * Joins (CARTESIAN, TRANSITIVE_CLOSURE, CHECK_JOIN) are refused at verification: biscuit-java evaluates
     * them with no time bound (see internal.TokenShape). The rest verify and must be denied by a limit, or
     * (MANY_CHECKS, which only scans) stay cheap.
     */
    enum Bomb { CARTESIAN, TRANSITIVE_CLOSURE, CHECK_JOIN, RULE_CHAIN, MANY_FACTS, MANY_CHECKS }

    @Property(tries = 24, shrinking = ShrinkingMode.OFF)
    void evaluationBombsAreRefusedOrDeniedQuickly(@ForAll Bomb bomb, @ForAll @IntRange(min = 0, max = 3) int scale)
            throws Exception {
        String planner = MINTER.mint(MintSpec.builder("planner").right("tool", "notes", "read_note").build());
        String token = RawBlocks.append(planner, bomb(bomb, scale));
        long start = System.nanoTime();
        VerifiedToken v;
        try {
            v = VERIFIER.verify(token);
        } catch (TokenException e) {
            assertThat(e.reason().code()).isIn("token_malformed", "token_too_large");
            assertThat(bomb).as("only joins are refused by shape").isIn(Bomb.CARTESIAN, Bomb.TRANSITIVE_CLOSURE,
                    Bomb.CHECK_JOIN, Bomb.MANY_FACTS, Bomb.MANY_CHECKS);
            return;
        }
        assertThat(bomb).as("joins must not verify").isNotIn(Bomb.CARTESIAN, Bomb.TRANSITIVE_CLOSURE, Bomb.CHECK_JOIN);
        Decision d = v.authorize(wideRequest(), PolicySet.defaults(), AuthorizationLimits.defaults());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(d.allowed()).as("%s x%d must never be allowed", bomb, scale).isFalse();
        assertThat(d.reason()).isIn(bomb == Bomb.MANY_CHECKS
                ? new DenyReason[] {DenyReason.CONSTRAINT_FAILED}
                : new DenyReason[] {DenyReason.LIMIT_EXCEEDED, DenyReason.TIMEOUT});
        // Bounded, not fast: generous so a loaded CI machine does not fail it; a hang or minutes-long join would.
        assertThat(took).isLessThan(Duration.ofSeconds(5));
    }

    /** A call the parent allows, with as many argument facts as the gateway lets through (256). */
    static RequestFacts wideRequest() {
        RequestFacts.Builder b = RequestFacts.toolCall(NOW, "notes", "read_note");
        for (int i = 0; i < 128; i++) {
            b.arg("k" + i, "v" + i).argPath("p" + i, "/notes/public/" + i);
        }
        return b.build();
    }

    @Property(tries = 3, shrinking = ShrinkingMode.OFF)
    void bombsDoNotStarveOrdinaryAuthorizations(@ForAll("verifiableBombs") Bomb bomb) throws Exception {
        String planner = MINTER.mint(MintSpec.builder("planner").right("tool", "notes", "read_note").build());
        VerifiedToken heavy = VERIFIER.verify(RawBlocks.append(planner, bomb(bomb, 0)));
        VerifiedToken ordinary = VERIFIER.verify(planner);
        RequestFacts read = RequestFacts.toolCall(NOW, "notes", "read_note").build();
        ExecutorService attackers = Executors.newFixedThreadPool(3);
        try {
            List<Future<Boolean>> attacks = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                attacks.add(attackers.submit(() -> {
                    boolean anyAllowed = false;
                    for (int i = 0; i < 20; i++) {
                        anyAllowed |= heavy.authorize(wideRequest(), PolicySet.defaults(), AuthorizationLimits.defaults()).allowed();
                    }
                    return anyAllowed;
                }));
            }
            for (int i = 0; i < 50; i++) {
                long start = System.nanoTime();
                Decision d = ordinary.authorize(read, PolicySet.defaults(), AuthorizationLimits.defaults());
                assertThat(d.allowed()).as("ordinary call beside %s: %s", bomb, d).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            }
            for (Future<Boolean> a : attacks) {
                assertThat(a.get(60, TimeUnit.SECONDS)).as("a bomb was allowed").isFalse();
            }
        } finally {
            attackers.shutdownNow();
        }
    }

    @Provide
    Arbitrary<Bomb> verifiableBombs() {
        return Arbitraries.of(Bomb.RULE_CHAIN, Bomb.MANY_FACTS, Bomb.MANY_CHECKS);
    }

    /** Each verifiable rule shape exceeds the default limits (1000 facts, 100 iterations) at every scale. */
    static List<String> bomb(Bomb bomb, int scale) {
        List<String> out = new ArrayList<>();
        switch (bomb) {
            case CARTESIAN -> {
                int n = 40 + 20 * scale; // n^2 >= 1600 derived facts
                for (int i = 0; i < n; i++) {
                    out.add("n(" + i + ")");
                }
                out.add("pair($a, $b) <- n($a), n($b)");
                out.add("triple($a, $b, $c) <- n($a), n($b), n($c)");
            }
            case TRANSITIVE_CLOSURE -> {
                int n = 60 + 30 * scale; // ~n^2/2 reach facts, and n iterations
                for (int i = 0; i < n; i++) {
                    out.add("edge(" + i + ", " + (i + 1) + ")");
                }
                out.add("reach($x, $y) <- edge($x, $y)");
                out.add("reach($x, $z) <- reach($x, $y), edge($y, $z)");
                out.add("reach($x, $z) <- reach($x, $y), reach($y, $z)");
            }
            case CHECK_JOIN -> {
                int n = 40 + 20 * scale; // n^4 combinations, none matching: minutes without the shape rule
                for (int i = 0; i < n; i++) {
                    out.add("n(" + i + ")");
                }
                out.add("check if n($a), n($b), n($c), n($d), $a + $b + $c + $d == -1");
            }
            case MANY_CHECKS -> {
                int n = 150 + 25 * scale; // each scans the 256 argument facts and evaluates every match
                for (int i = 0; i < n; i++) {
                    out.add("check if arg($k, $v), $v == \"no" + i + "\"");
                }
            }
            case RULE_CHAIN -> {
                int n = 120 + 40 * scale; // one new fact per iteration: n iterations > 100
                out.add("p0(1)");
                for (int i = 1; i <= n; i++) {
                    out.add("p" + i + "($x) <- p" + (i - 1) + "($x)");
                }
            }
            case MANY_FACTS -> {
                // 1001 literal facts would exceed the 16 KB token limit: half of them, each derived twice more.
                int n = 510 + 60 * scale;
                for (int i = 0; i < n; i++) {
                    out.add("f(" + i + ")");
                }
                out.add("g($x) <- f($x)");
                out.add("h($x) <- g($x)");
            }
        }
        out.add("check if true");
        return out;
    }

    static Decision decide(VerifiedToken token, RequestFacts r) {
        return token.authorize(r, PolicySet.defaults(), AuthorizationLimits.defaults());
    }
}
