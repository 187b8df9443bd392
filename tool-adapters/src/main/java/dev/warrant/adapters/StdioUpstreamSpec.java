package dev.warrant.adapters;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An upstream MCP server started as a child process and spoken to over its stdin/stdout.
 *
 * <p>The child gets only {@code PATH} and {@code HOME} from the gateway's environment plus {@link #env()}:
 * the gateway's own environment may hold secrets. Its stderr goes to the log (logger
 * {@code warrant.upstream.<name>}), never to the gateway's stdout.
 *
 * @param command executable (looked up on {@code PATH})
 * @param args arguments, passed as given (no shell)
 * <p>The process is supervised ({@link SupervisedUpstream}): when it exits without being asked to, calls in
 * flight fail with {@code UNAVAILABLE}, and it is started again after a backoff and re-initialized.
 *
 * @param env extra environment variables for the child, e.g. the upstream's own credentials
 * @param maxConcurrent see {@link UpstreamSpec#maxConcurrent()}
 */
public record StdioUpstreamSpec(String name, String command, List<String> args, Map<String, String> env,
        Duration requestTimeout, int maxConcurrent) implements UpstreamSpec {

    public StdioUpstreamSpec {
        SpecChecks.name(name);
        Objects.requireNonNull(command, "command");
        if (command.isBlank()) {
            throw new IllegalArgumentException("command must not be blank");
        }
        args = List.copyOf(args == null ? List.of() : args);
        env = Map.copyOf(env == null ? Map.of() : env);
        SpecChecks.timeout(requestTimeout);
        SpecChecks.maxConcurrent(maxConcurrent);
    }

    /** With the default concurrency limit. */
    public StdioUpstreamSpec(String name, String command, List<String> args, Map<String, String> env,
            Duration requestTimeout) {
        this(name, command, args, env, requestTimeout, DEFAULT_MAX_CONCURRENT);
    }

    /** The environment may carry the upstream's credentials: keep values out of logs. */
    @Override
    public String toString() {
        return "StdioUpstreamSpec[name=" + name + ", command=" + command + ", args=" + args + ", env="
                + env.keySet() + ", requestTimeout=" + requestTimeout + ", maxConcurrent=" + maxConcurrent + "]";
    }
}
