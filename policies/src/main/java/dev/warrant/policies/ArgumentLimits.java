package dev.warrant.policies;

/**
 * Bounds on the facts built from one call's arguments.
 *
 * <p>Over a limit the call is denied, never truncated: dropping an argument could let a {@code check all}
 * constraint pass that the full argument list would fail.
 *
 * @param maxFacts        arg + arg_path facts per call
 * @param maxDepth        nesting depth of objects/arrays
 * @param maxStringLength characters of one string value or key
 */
public record ArgumentLimits(int maxFacts, int maxDepth, int maxStringLength) {

    public ArgumentLimits {
        if (maxFacts < 1 || maxDepth < 1 || maxStringLength < 1) {
            throw new IllegalArgumentException("argument limits must be positive");
        }
    }

    public static ArgumentLimits defaults() {
        return new ArgumentLimits(256, 8, 16_384);
    }
}
