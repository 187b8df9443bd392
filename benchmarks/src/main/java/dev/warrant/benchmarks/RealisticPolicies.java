package dev.warrant.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The benchmarks' "realistic" operator policy set, read from {@code bench/policies/realistic.datalog} (packaged
 * into this module's jar by its pom; the load benchmark packages the same file).
 */
public final class RealisticPolicies {

    private RealisticPolicies() {}

    /** The file as written. */
    public static String source() {
        try (InputStream in = RealisticPolicies.class.getResourceAsStream("/realistic.datalog")) {
            if (in == null) {
                throw new IllegalStateException("realistic.datalog is not on the class path (see benchmarks/pom.xml)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Its statements in order, one per line of the file (comments and blank lines left out). */
    public static List<String> statements() {
        return source().lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("//")).toList();
    }
}
