package dev.warrant.benchmarks.curves;

import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every curve with short iterations (one fork, 2 x 1 s warm-up, 3 x 1 s measurement; ~5 minutes on
 * 2 cores), then {@link SessionMemory} in a child JVM limited to 512 MB of heap:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.warrant.benchmarks.curves.Curves [results.json]}.
 * For steadier numbers run the JMH classes directly with longer iterations (docs/PERFORMANCE.md).
 */
public final class Curves {

    private Curves() {}

    public static void main(String[] args) throws Exception {
        String json = args.length > 0 ? args[0] : "curves.json";
        Options options = new OptionsBuilder()
                .include(Curves.class.getPackageName() + "\\.[A-Za-z]+Curve\\.")
                .forks(1)
                .warmupIterations(2).warmupTime(TimeValue.seconds(1))
                .measurementIterations(3).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("-Xmx4g")
                .resultFormat(ResultFormatType.JSON).result(json)
                .build();
        new Runner(options).run();

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                SessionMemory.class.getName(), "--sessions", "10000"));
        System.out.println("\n# SessionMemory: " + String.join(" ", command.subList(0, 2)) + " ... --sessions 10000");
        Process memory = new ProcessBuilder(command).inheritIO().start();
        int exit = memory.waitFor();
        if (exit != 0) {
            System.err.println("curves: SessionMemory exited with " + exit);
            System.exit(exit);
        }
    }
}
