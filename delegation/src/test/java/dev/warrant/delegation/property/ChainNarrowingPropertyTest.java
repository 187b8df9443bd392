package dev.warrant.delegation.property;

import dev.warrant.delegation.Arg;
import dev.warrant.delegation.AuthorizationLimits;
import dev.warrant.delegation.Decision;
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
import net.jqwik.api.statistics.Statistics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.warrant.delegation.property.TestKeys.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random chains of hops against random requests: a child never allows a request its parent denies, and a
 * child never verifies when its parent does not. Tries are bounded so the class runs in a few seconds.
 */
class ChainNarrowingPropertyTest {
    static final List<String> SERVERS = List.of("notes", "fs");
    static final List<String> TOOLS = List.of("read_note", "write_note", "list_notes", "delete_all");
    static final List<String> AGENTS = List.of("researcher", "summarizer", "planner", "eve");
    static final List<String> PATH_KEYS = List.of("path", "dir");

    /** A chain: authority rights, then hops, each attenuated {@code agoMinutes} before NOW. */
    record Chain(List<String[]> rights, List<Hop> hops) {}

    record Hop(HopSpec spec, int agoMinutes) {}

    @Property(tries = 80, shrinking = ShrinkingMode.OFF)
    void aChildNeverAllowsWhatItsParentDenies(@ForAll("chains") Chain chain,
                                              @ForAll("requests") List<RequestFacts> requests) throws Exception {
        List<String> tokens = build(chain);
        VerifiedToken parent = verifyOrNull(tokens.get(0));
        assertThat(parent).as("the minted root token verifies").isNotNull();
        boolean childAllowedSomething = false;
        for (int i = 1; i < tokens.size(); i++) {
            VerifiedToken child = verifyOrNull(tokens.get(i));
            if (child == null) {
                break; // every later token carries this one's blocks
            }
            assertThat(parent).as("hop %d verifies although its parent does not", i).isNotNull();
            for (RequestFacts request : requests) {
                Decision c = decide(child, request);
                if (c.allowed()) {
                    childAllowedSomething = true;
                    Decision p = decide(parent, request);
                    assertThat(p.allowed())
                            .as("hop %d allows %s but its parent denies it (%s)", i, request, p)
                            .isTrue();
                }
            }
            parent = child;
        }
        // Guard against a degenerate generator: the property must see allowed children in a fair share of tries.
        Statistics.label("child allowed something").collect(childAllowedSomething)
                .coverage(c -> c.check(true).percentage(p -> p > 10));
    }

    @Property(tries = 60, shrinking = ShrinkingMode.OFF)
    void aVerifiedChildsParentAlwaysVerifies(@ForAll("chains") Chain chain) throws Exception {
        List<String> tokens = build(chain);
        for (int i = tokens.size() - 1; i >= 1; i--) {
            if (verifyOrNull(tokens.get(i)) != null) {
                assertThat(verifyOrNull(tokens.get(i - 1))).as("parent of verified hop %d", i).isNotNull();
            }
        }
    }

    static Decision decide(VerifiedToken token, RequestFacts request) {
        Decision d = token.authorize(request, PolicySet.defaults(), AuthorizationLimits.defaults());
        // Ordinary tokens never hit a limit. (A range constraint over a non-integer value, e.g. n=true, is an
        // evaluation_error: a type error in Biscuit fails the whole authorization, which is a deny.)
        assertThat(d.reason().code()).as("no limit on ordinary tokens: %s", d)
                .isNotIn("authorizer_timeout", "authorizer_limit");
        return d;
    }

    static VerifiedToken verifyOrNull(String token) {
        try {
            return VERIFIER.verify(token);
        } catch (TokenException e) {
            return null;
        }
    }

    static List<String> build(Chain chain) {
        MintSpec.Builder mint = MintSpec.builder("planner").ttl(Duration.ofHours(2));
        for (String[] r : chain.rights()) {
            mint.right(r[0], r[1], r[2]);
        }
        List<String> tokens = new ArrayList<>();
        tokens.add(MINTER.mint(mint.build()));
        for (Hop hop : chain.hops()) {
            String parent = tokens.get(tokens.size() - 1);
            tokens.add(Delegator.attenuate(parent, hop.spec(), at(NOW.minus(Duration.ofMinutes(hop.agoMinutes())))));
        }
        return tokens;
    }

    // ---- generators ----

    @Provide
    Arbitrary<Chain> chains() {
        Arbitrary<String[]> right = Combinators.combine(
                Arbitraries.of(SERVERS), Arbitraries.of("read_note", "write_note", "list_notes", "*"))
                .as((s, n) -> new String[] {"tool", s, n});
        Arbitrary<List<String[]>> rights = right.list().ofMinSize(1).ofMaxSize(4);
        return Combinators.combine(rights, hop().list().ofMinSize(1).ofMaxSize(5)).as(Chain::new);
    }

    static Arbitrary<Hop> hop() {
        Arbitrary<Optional<String>> to = Arbitraries.of(AGENTS).optional(0.7);
        Arbitrary<List<HopSpec.Allow>> allows = Combinators.combine(Arbitraries.of(SERVERS),
                        Arbitraries.of("read_note", "write_note", "list_notes", "*").set().ofMinSize(1).ofMaxSize(3))
                .as((s, names) -> new HopSpec.Allow("tool", s, List.copyOf(names)))
                .list().ofMaxSize(2).uniqueElements(HopSpec.Allow::server);
        Arbitrary<List<HopSpec.ArgConstraint>> constraints = constraint().list().ofMaxSize(2);
        Arbitrary<Optional<Duration>> ttl = Arbitraries.of(Duration.ofSeconds(30), Duration.ofMinutes(10),
                Duration.ofHours(1), Duration.ofHours(3)).optional(0.5);
        Arbitrary<Integer> ago = Arbitraries.of(0, 0, 5, 30, 90);
        return Combinators.combine(to, allows, constraints, ttl, ago).as((t, a, c, l, m) ->
                new Hop(new HopSpec(t, a, c, l, Optional.empty(), Optional.empty()), m));
    }

    static Arbitrary<HopSpec.ArgConstraint> constraint() {
        Arbitrary<HopSpec.ArgConstraint> path = Combinators.combine(Arbitraries.of(PATH_KEYS),
                        Arbitraries.of("/notes/", "/notes/public/", "/notes/public", "/", "/notes/private/", "file:///notes/"))
                .as(HopSpec.PathPrefix::new);
        Arbitrary<HopSpec.ArgConstraint> equalsText = Arbitraries.of("r", "w", "x\"); allow if true; //")
                .map(v -> new HopSpec.ArgEquals("mode", v));
        Arbitrary<HopSpec.ArgConstraint> equalsNumber = Arbitraries.longs().between(0, 3)
                .map(v -> new HopSpec.ArgEquals("n", v));
        Arbitrary<HopSpec.ArgConstraint> range = Combinators.combine(Arbitraries.longs().between(-2, 5),
                Arbitraries.longs().between(0, 6)).as((a, w) -> new HopSpec.ArgRange("n", a, a + w));
        return Arbitraries.oneOf(path, equalsText, equalsNumber, range);
    }

    @Provide
    Arbitrary<List<RequestFacts>> requests() {
        return request().list().ofMinSize(4).ofMaxSize(8);
    }

    static Arbitrary<RequestFacts> request() {
        Arbitrary<String> method = Arbitraries.of("tools/call", "tools/call", "tools/list");
        Arbitrary<Instant> time = Arbitraries.of(0L, 20L, 300L, 900L, 4000L, 8000L).map(NOW::plusSeconds);
        Arbitrary<List<Arg>> paths = Combinators.combine(Arbitraries.of(PATH_KEYS), path())
                .as(Arg::new).list().ofMaxSize(3);
        Arbitrary<List<Arg>> plain = Arbitraries.oneOf(
                Arbitraries.of("r", "w", "x\"); allow if true; //", "").map(v -> new Arg("mode", v)),
                Arbitraries.longs().between(-3, 8).map(v -> new Arg("n", v)),
                Arbitraries.of(true, false).map(v -> new Arg("n", v))).list().ofMaxSize(3);
        return Combinators.combine(method, time, Arbitraries.of(SERVERS), Arbitraries.of(TOOLS), paths, plain)
                .as((m, t, s, n, ps, as) -> {
                    RequestFacts.Builder b = RequestFacts.builder().time(t).method(m).request("tool", s, n);
                    for (Arg p : ps) {
                        // The gateway adds both facts for a path argument; the raw value deliberately stays
                        // un-normalized here: narrowing must hold for any facts, normalized or not.
                        b.arg(p).argPath(p.key(), (String) p.value());
                    }
                    as.forEach(b::arg);
                    return b.build();
                });
    }

    /** Paths with "..", ".", "//", trailing slashes, percent-encoding and file:// forms. */
    static Arbitrary<String> path() {
        Arbitrary<String> segment = Arbitraries.of("notes", "public", "private", "..", ".", "", "x.md", "%2e%2e", "plan.md");
        Arbitrary<String> start = Arbitraries.of("/", "//", "file://", "file:///", "file://localhost/", "");
        return Combinators.combine(start, segment.list().ofMaxSize(5), Arbitraries.of("", "/"))
                .as((s, segs, end) -> s + String.join("/", segs) + end);
    }
}
