package dev.warrant.policies;

import dev.warrant.delegation.Arg;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArgumentFactsTest {

    private static final ArgumentLimits DEFAULTS = ArgumentLimits.defaults();

    private static ArgumentFacts facts(Map<String, ?> arguments) throws ArgumentLimitException {
        return ArgumentFacts.of(arguments, DEFAULTS);
    }

    @Test
    void noArgumentsNoFacts() throws Exception {
        assertThat(facts(null).args()).isEmpty();
        assertThat(facts(Map.of()).args()).isEmpty();
        assertThat(facts(Map.of()).argPaths()).isEmpty();
    }

    @Test
    void nestedKeysAreDotted() throws Exception {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("query", "hello");
        args.put("options", Map.of("depth", 3, "filter", Map.of("lang", "en")));
        ArgumentFacts f = facts(args);
        assertThat(f.args()).containsExactlyInAnyOrder(
                new Arg("query", "hello"),
                new Arg("options.depth", 3L),
                new Arg("options.filter.lang", "en"));
        assertThat(f.argPaths()).isEmpty();
    }

    @Test
    void arraysGiveOneFactPerElementUnderTheSameKey() throws Exception {
        ArgumentFacts f = facts(Map.of("paths", List.of("/notes/public/a", "/notes/private/../x", "draft")));
        assertThat(f.args()).containsExactly(
                new Arg("paths", "/notes/public/a"),
                new Arg("paths", "/notes/private/../x"),
                new Arg("paths", "draft"));
        // "draft" is not a path, beside paths under the same key: it stands as NOT_A_PATH, which no path
        // prefix matches, so a check all on arg_path cannot pass on the real paths alone.
        assertThat(f.argPaths()).containsExactly(
                new Arg("paths", "/notes/public/a"),
                new Arg("paths", "/notes/x"),
                new Arg("paths", ArgumentFacts.NOT_A_PATH));
    }

    @Test
    void aLoneNonPathGetsNoArgPath() throws Exception {
        ArgumentFacts f = facts(Map.of("path", "notes/x", "query", List.of("a", "b"), "n", 3));
        assertThat(f.argPaths()).isEmpty();
    }

    @Test
    void nonPathsAreMarkedOnlyUnderKeysThatHavePaths() throws Exception {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("path", List.of("/a", 7, "rel/x"));
        args.put("query", "hello");
        args.put("options", Map.of("path", "../up"));
        args.put("options.path", "/b");
        ArgumentFacts f = facts(args);
        assertThat(f.argPaths()).containsExactlyInAnyOrder(
                new Arg("path", "/a"),
                new Arg("path", ArgumentFacts.NOT_A_PATH),
                new Arg("path", ArgumentFacts.NOT_A_PATH),
                new Arg("options.path", "/b"),
                new Arg("options.path", ArgumentFacts.NOT_A_PATH));
        assertThat(PathNormalizer.normalize("anything")).isEmpty();
        assertThat(ArgumentFacts.NOT_A_PATH).doesNotStartWith("/");
    }

    @Test
    void notAPathMarkersCountTowardsTheFactLimit() {
        // 2 args + 1 arg_path + 1 marker = 4 facts > 3.
        assertThatThrownBy(() -> ArgumentFacts.of(Map.of("p", List.of("/a", "rel")), new ArgumentLimits(3, 8, 100)))
                .isInstanceOf(ArgumentLimitException.class);
    }

    @Test
    void arraysOfObjectsAndNestedArraysAreFlattened() throws Exception {
        ArgumentFacts f = facts(Map.of("edits", List.of(
                Map.of("path", "/a"),
                Map.of("path", "/b"),
                List.of("/c", List.of("/d")))));
        assertThat(f.argPaths()).containsExactlyInAnyOrder(
                new Arg("edits.path", "/a"), new Arg("edits.path", "/b"),
                new Arg("edits", "/c"), new Arg("edits", "/d"));
    }

    @Test
    void emptyArrayGivesNoFact() throws Exception {
        assertThat(facts(Map.of("paths", List.of())).args()).isEmpty();
    }

    @Test
    void integersBecomeLongs() throws Exception {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("i", 7);
        args.put("l", Long.MAX_VALUE);
        args.put("s", (short) -3);
        args.put("b", (byte) 1);
        args.put("big", BigInteger.valueOf(42));
        args.put("neg", Long.MIN_VALUE);
        assertThat(facts(args).args()).containsExactly(
                new Arg("i", 7L), new Arg("l", Long.MAX_VALUE), new Arg("s", -3L), new Arg("b", 1L),
                new Arg("big", 42L), new Arg("neg", Long.MIN_VALUE));
        assertThat(facts(args).args()).allSatisfy(a -> assertThat(a.value()).isInstanceOf(Long.class));
    }

    @Test
    void integersBeyondLongAreExactDecimalStrings() throws Exception {
        BigInteger huge = BigInteger.TWO.pow(70).add(BigInteger.ONE);
        BigInteger hugePlusOne = huge.add(BigInteger.ONE);
        assertThat(facts(Map.of("n", huge)).args()).containsExactly(new Arg("n", "1180591620717411303425"));
        // Two different numbers must never give the same fact.
        assertThat(facts(Map.of("n", hugePlusOne)).args()).containsExactly(new Arg("n", "1180591620717411303426"));
    }

    @Test
    void floatsBecomeDecimalStrings() throws Exception {
        assertThat(facts(Map.of("x", 1.5)).args()).containsExactly(new Arg("x", "1.5"));
        assertThat(facts(Map.of("x", 0.1)).args()).containsExactly(new Arg("x", "0.1"));
        assertThat(facts(Map.of("x", -2.25)).args()).containsExactly(new Arg("x", "-2.25"));
        assertThat(facts(Map.of("x", 2.0)).args()).containsExactly(new Arg("x", "2"));
        assertThat(facts(Map.of("x", new BigDecimal("3.14159"))).args()).containsExactly(new Arg("x", "3.14159"));
        // Decimal notation, never scientific: a policy compares against what the JSON said.
        assertThat(facts(Map.of("x", 12345678.5)).args()).containsExactly(new Arg("x", "12345678.5"));
        assertThat(facts(Map.of("x", 1e20)).args()).containsExactly(new Arg("x", "100000000000000000000"));
        assertThat(facts(Map.of("x", 0.00015)).args()).containsExactly(new Arg("x", "0.00015"));
        assertThat(facts(Map.of("x", 1.5)).args().get(0).value()).isInstanceOf(String.class);
    }

    @Test
    void booleansStayBooleans() throws Exception {
        assertThat(facts(Map.of("dry", true, "force", false)).args())
                .containsExactlyInAnyOrder(new Arg("dry", true), new Arg("force", false));
    }

    @Test
    void nullsAreSkipped() throws Exception {
        Map<String, Object> args = new HashMap<>();
        args.put("a", null);
        args.put("b", Arrays.asList("x", null));
        args.put("c", new HashMap<>(Map.of("d", "y")));
        ((Map<String, Object>) args.get("c")).put("e", null);
        assertThat(facts(args).args()).containsExactlyInAnyOrder(new Arg("b", "x"), new Arg("c.d", "y"));
    }

    @Test
    void pathStringsAlsoGiveANormalizedArgPath() throws Exception {
        ArgumentFacts f = facts(Map.of("path", "/notes/public/../private/plan.md"));
        assertThat(f.args()).containsExactly(new Arg("path", "/notes/public/../private/plan.md"));
        assertThat(f.argPaths()).containsExactly(new Arg("path", "/notes/private/plan.md"));

        ArgumentFacts uri = facts(Map.of("uri", "file:///notes/public/%2e%2e/private/x"));
        assertThat(uri.argPaths()).containsExactly(new Arg("uri", "/notes/private/x"));

        assertThat(facts(Map.of("path", "notes/public/x")).argPaths()).isEmpty();
        assertThat(facts(Map.of("path", "file://evil.example/notes/public/x")).argPaths()).isEmpty();
    }

    @Test
    void resultsAreImmutable() throws Exception {
        ArgumentFacts f = facts(Map.of("path", "/a"));
        assertThatThrownBy(() -> f.args().add(new Arg("x", "y"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> f.argPaths().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    // --- limits: over a limit is an error, never a truncation ---

    @Test
    void factLimitCountsArgAndArgPathFacts() throws Exception {
        ArgumentLimits limits = new ArgumentLimits(4, 8, 100);
        // 2 strings that are paths = 4 facts: exactly at the limit.
        assertThat(ArgumentFacts.of(Map.of("p", List.of("/a", "/b")), limits).args()).hasSize(2);
        // A third path would be 6 facts.
        assertThatThrownBy(() -> ArgumentFacts.of(Map.of("p", List.of("/a", "/b", "/c")), limits))
                .isInstanceOf(ArgumentLimitException.class)
                .hasMessageContaining("4");
        List<Object> many = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            many.add(i);
        }
        assertThatThrownBy(() -> ArgumentFacts.of(Map.of("n", many), limits)).isInstanceOf(ArgumentLimitException.class);
        assertThat(ArgumentFacts.of(Map.of("n", many.subList(0, 4)), limits).args()).hasSize(4);
    }

    @Test
    void defaultFactLimitRefusesAHugeArray() {
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            paths.add("/notes/public/" + i);
        }
        paths.add("/notes/private/secret"); // the one a truncation would drop
        assertThatThrownBy(() -> facts(Map.of("path", paths))).isInstanceOf(ArgumentLimitException.class);
    }

    @Test
    void depthLimit() throws Exception {
        ArgumentLimits limits = new ArgumentLimits(100, 3, 100);
        assertThat(ArgumentFacts.of(Map.of("a", Map.of("b", Map.of("c", 1))), limits).args())
                .containsExactly(new Arg("a.b.c", 1L));
        assertThatThrownBy(() -> ArgumentFacts.of(Map.of("a", Map.of("b", Map.of("c", Map.of("d", 1)))), limits))
                .isInstanceOf(ArgumentLimitException.class).hasMessageContaining("3");
        // Arrays count as a level too.
        assertThatThrownBy(() -> ArgumentFacts.of(Map.of("a", List.of(List.of(List.of(1)))), limits))
                .isInstanceOf(ArgumentLimitException.class);
        // Even an empty container that deep is refused: the depth is the attack, not the facts.
        assertThat(ArgumentFacts.of(Map.of("a", Map.of("b", Map.of("c", Map.of()))), limits).args()).isEmpty();
        assertThatThrownBy(() -> ArgumentFacts.of(Map.of("a", Map.of("b", Map.of("c", Map.of("d", Map.of())))), limits))
                .isInstanceOf(ArgumentLimitException.class);
    }

    @Test
    void deeplyNestedInputIsRefusedNotAStackOverflow() {
        Object value = "x";
        for (int i = 0; i < 100_000; i++) {
            value = List.of(value);
        }
        Object deep = value;
        assertThatThrownBy(() -> facts(Map.of("a", deep))).isInstanceOf(ArgumentLimitException.class);
    }

    @Test
    void stringLengthLimitAppliesToValuesAndKeys() throws Exception {
        ArgumentLimits limits = new ArgumentLimits(100, 8, 10);
        assertThat(ArgumentFacts.of(Map.of("k", "0123456789"), limits).args()).hasSize(1);
        assertThatThrownBy(() -> ArgumentFacts.of(Map.of("k", "01234567890"), limits))
                .isInstanceOf(ArgumentLimitException.class).hasMessageContaining("10");
        assertThatThrownBy(() -> ArgumentFacts.of(Map.of("k".repeat(11), "v"), limits))
                .isInstanceOf(ArgumentLimitException.class);
        assertThatThrownBy(() -> ArgumentFacts.of(Map.of("k", Map.of("n".repeat(11), "v")), limits))
                .isInstanceOf(ArgumentLimitException.class);
        assertThatThrownBy(() -> ArgumentFacts.of(Map.of("k", List.of("ok", "01234567890")), limits))
                .isInstanceOf(ArgumentLimitException.class);
    }

    @Test
    void anEmptyArgumentNameIsRefused() {
        // No fact can carry an empty key; the call must be refused, not blow up the decision.
        assertThatThrownBy(() -> facts(Map.of("", "/notes/private/x"))).isInstanceOf(ArgumentLimitException.class);
        Map<String, Object> nullKey = new HashMap<>();
        nullKey.put(null, "x");
        assertThatThrownBy(() -> facts(nullKey)).isInstanceOf(ArgumentLimitException.class);
    }

    @Test
    void limitExceptionsAreCheapAndCarryNoStackTrace() {
        ArgumentLimits limits = new ArgumentLimits(1, 8, 100);
        assertThatThrownBy(() -> ArgumentFacts.of(Map.of("a", List.of(1, 2)), limits))
                .isInstanceOfSatisfying(ArgumentLimitException.class, e -> assertThat(e.getStackTrace()).isEmpty());
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new ArgumentLimits(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ArgumentLimits(1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ArgumentLimits(1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
