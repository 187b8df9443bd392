package dev.warrant.policies;

import dev.warrant.delegation.Arg;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Flattens an MCP {@code arguments} object into {@code arg(key, value)} and {@code arg_path(key, path)} facts
 * (docs/ARCHITECTURE.md §3.3): nested keys are dotted ({@code options.depth}); an array gives one fact per element under the
 * same key, so that a {@code check all} constraint sees every element; strings that are absolute paths or
 * {@code file:} URIs also give a normalized {@code arg_path}.
 *
 * <p>Integers become Datalog integers; other numbers (Biscuit has no floats) become their decimal string;
 * {@code null} gives no fact. Values are only ever handed to the term builders, never spliced into Datalog.
 *
 * <p>A key whose values are paths must carry only paths. A lone non-path value gets no {@code arg_path}, so
 * a path constraint ({@code check all}, which needs a match) fails on it. But beside a valid path — two
 * array elements, or {@code "options.path"} next to {@code options: {path: ...}} — the valid one would
 * satisfy the {@code check all} alone while the upstream still receives the other (a relative path, a
 * foreign-host URI, a path with NUL). So every non-path value under a key that has an {@code arg_path}
 * also gets {@code arg_path(key, NOT_A_PATH)}, which no prefix matches.
 */
public final class ArgumentFacts {

    /**
     * The {@code arg_path} value standing for a non-path under a key that also has paths. Normalized paths
     * always start with {@code /}, so the empty string is never one and no path prefix matches it.
     */
    public static final String NOT_A_PATH = "";

    private final List<Arg> args;
    private final List<Arg> argPaths;

    private ArgumentFacts(List<Arg> args, List<Arg> argPaths) {
        this.args = List.copyOf(args);
        this.argPaths = List.copyOf(argPaths);
    }

    public List<Arg> args() {
        return args;
    }

    public List<Arg> argPaths() {
        return argPaths;
    }

    public static ArgumentFacts none() {
        return new ArgumentFacts(List.of(), List.of());
    }

    /** @param arguments the JSON object as plain Java (Map/List/String/Number/Boolean), may be null */
    public static ArgumentFacts of(Map<String, ?> arguments, ArgumentLimits limits) throws ArgumentLimitException {
        if (arguments == null || arguments.isEmpty()) {
            return none();
        }
        Collector collector = new Collector(limits);
        for (Map.Entry<String, ?> entry : arguments.entrySet()) {
            collector.add(checkedKey(entry.getKey(), limits), entry.getValue(), 1);
        }
        collector.markNonPathsBesidePaths();
        return new ArgumentFacts(collector.args, collector.paths);
    }

    private static String checkedKey(String key, ArgumentLimits limits) throws ArgumentLimitException {
        if (key == null) {
            throw new ArgumentLimitException("argument with a null name");
        }
        if (key.isEmpty()) {
            // No fact can carry an empty key; refusing here keeps the decision a clean deny.
            throw new ArgumentLimitException("argument with an empty name");
        }
        if (key.length() > limits.maxStringLength()) {
            throw new ArgumentLimitException("argument name longer than " + limits.maxStringLength() + " characters");
        }
        return key;
    }

    private static final class Collector {
        private final ArgumentLimits limits;
        private final List<Arg> args = new ArrayList<>();
        private final List<Arg> paths = new ArrayList<>();
        /** One entry per scalar value that is not a path, by key. */
        private final List<String> nonPathKeys = new ArrayList<>();

        Collector(ArgumentLimits limits) {
            this.limits = limits;
        }

        void markNonPathsBesidePaths() throws ArgumentLimitException {
            if (paths.isEmpty() || nonPathKeys.isEmpty()) {
                return;
            }
            Set<String> keysWithPaths = new HashSet<>();
            for (Arg p : paths) {
                keysWithPaths.add(p.key());
            }
            for (String key : nonPathKeys) {
                if (keysWithPaths.contains(key)) {
                    fact(paths, key, NOT_A_PATH);
                }
            }
        }

        void add(String key, Object value, int depth) throws ArgumentLimitException {
            if (depth > limits.maxDepth()) {
                throw new ArgumentLimitException("arguments nested deeper than " + limits.maxDepth());
            }
            if (value == null) {
                return;
            }
            if (value instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    String child = checkedKey(String.valueOf(entry.getKey()), limits);
                    add(key + "." + child, entry.getValue(), depth + 1);
                }
                return;
            }
            if (value instanceof List<?> list) {
                for (Object element : list) {
                    add(key, element, depth + 1);
                }
                return;
            }
            if (value instanceof String s) {
                if (s.length() > limits.maxStringLength()) {
                    throw new ArgumentLimitException("argument '" + key + "' longer than " + limits.maxStringLength() + " characters");
                }
                fact(args, key, s);
                Optional<String> path = PathNormalizer.normalize(s);
                if (path.isPresent()) {
                    fact(paths, key, path.get());
                } else {
                    nonPathKeys.add(key);
                }
                return;
            }
            nonPathKeys.add(key);
            if (value instanceof Boolean b) {
                fact(args, key, b);
            } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
                fact(args, key, ((Number) value).longValue());
            } else if (value instanceof BigInteger big && big.bitLength() < 64) {
                fact(args, key, big.longValue());
            } else if (value instanceof Number n) {
                fact(args, key, asDecimalString(n));
            } else {
                fact(args, key, String.valueOf(value));
            }
        }

        private void fact(List<Arg> into, String key, Object value) throws ArgumentLimitException {
            if (args.size() + paths.size() >= limits.maxFacts()) {
                throw new ArgumentLimitException("more than " + limits.maxFacts() + " argument facts");
            }
            into.add(new Arg(key, value));
        }

        /**
         * Plain decimal notation, never scientific ({@code 12345678.5}, not {@code 1.23456785E7}), and exact
         * for integers beyond a long: two different numbers never give the same fact.
         */
        private static String asDecimalString(Number n) {
            if (n instanceof BigDecimal d) {
                return d.toPlainString();
            }
            if (n instanceof BigInteger big) {
                return big.toString();
            }
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return Double.toString(d);
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            // BigDecimal.valueOf uses the shortest repr that round-trips (Double.toString), so 0.1 stays 0.1.
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
    }
}
