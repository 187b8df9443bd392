package dev.warrant.gateway;

import dev.warrant.adapters.StdioUpstreamSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Stdio upstreams that are main classes of the test class path, each in a small JVM that starts fast. */
public final class JavaUpstreams {

    private JavaUpstreams() {
    }

    /** {@code main} run as {@code name} with {@code args} and {@code env}, answering within {@code timeout}. */
    public static StdioUpstreamSpec stdio(String name, Class<?> main, List<String> args, Map<String, String> env,
                                          Duration timeout) {
        List<String> command = new ArrayList<>(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        return new StdioUpstreamSpec(name, ProcessHandle.current().info().command().orElse("java"), command, env,
                timeout);
    }
}
