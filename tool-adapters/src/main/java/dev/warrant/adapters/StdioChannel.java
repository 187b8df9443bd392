package dev.warrant.adapters;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stdio transport: a child process speaking newline-delimited JSON-RPC on stdin/stdout.
 *
 * <p>Why not the SDK's {@code StdioClientTransport}: in 2.1.0 it starts the child with the gateway's whole
 * environment (its {@code ServerParameters} then adds HOME, LOGNAME, PATH, SHELL, TERM, USER on top), keeps
 * the {@code Process} private so stdin can never be closed and the child never force-killed (its close is
 * SIGTERM and an unbounded wait), never reports that the child exited, and stops reading for good at the
 * first line it cannot parse. Any of these leaves calls hanging or leaks secrets. This class uses the SDK's
 * message records and JSON mapper, read in one pass by {@link JsonRpcMessages}.
 *
 * <p>Threads (all daemon, named after the upstream): one reads stdout and delivers messages in order, one
 * copies stderr to the log, one writes stdin (writes block when the child does not read; callers never do).
 */
final class StdioChannel implements MessageChannel {

    /** Same bound as the SDK's stdio transport: one message may not exceed 16 MB. */
    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    private static final int MAX_LOG_LINE_BYTES = 8 * 1024;
    /** Time the child gets to exit on its own after stdin closes, and again after SIGTERM. */
    static final Duration GRACE = Duration.ofSeconds(2);
    /** The only variables the child inherits from the gateway. */
    private static final List<String> INHERITED_ENV = List.of("PATH", "HOME");

    private final StdioUpstreamSpec spec;
    private final McpJsonMapper json;
    private final Logger log;
    private final Logger stderrLog;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile Process process;
    private volatile ExecutorService writer;

    StdioChannel(StdioUpstreamSpec spec, McpJsonMapper json) {
        this.spec = spec;
        this.json = json;
        this.log = LoggerFactory.getLogger(StdioChannel.class);
        this.stderrLog = LoggerFactory.getLogger("warrant.upstream." + spec.name());
    }

    @Override
    public CompletableFuture<Void> start(Consumer<JSONRPCMessage> inbound, Consumer<UpstreamException> lost) {
        List<String> command = new ArrayList<>();
        command.add(spec.command());
        command.addAll(spec.args());
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.clear();
        for (String name : INHERITED_ENV) {
            String value = System.getenv(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.putAll(spec.env());
        try {
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(new UpstreamException(UpstreamException.Kind.UNAVAILABLE,
                    "cannot start upstream " + spec.name() + ": " + e.getMessage()));
        }
        log.info("upstream {} started as pid {}", spec.name(), process.pid());
        writer = Executors.newSingleThreadExecutor(r -> daemon(r, "stdin"));
        daemon(() -> readStdout(inbound, lost), "stdout").start();
        daemon(this::copyStderr, "stderr").start();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> send(JSONRPCMessage message) {
        byte[] line;
        try {
            // Compact JSON never contains a raw newline, so one message is one line.
            line = (JsonRpcMessages.write(json, message) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (UpstreamException e) {
            return CompletableFuture.failedFuture(e);
        }
        try {
            return CompletableFuture.runAsync(() -> write(line), writer);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(unavailable("stdin closed"));
        }
    }

    private void write(byte[] line) {
        try {
            OutputStream stdin = process.getOutputStream();
            stdin.write(line);
            stdin.flush();
        } catch (IOException e) {
            throw unavailable("cannot write to upstream: " + e.getMessage());
        }
    }

    private void readStdout(Consumer<JSONRPCMessage> inbound, Consumer<UpstreamException> lost) {
        String why = "stdout closed";
        try (InputStream stdout = process.getInputStream()) {
            BoundedLineReader lines = new BoundedLineReader(stdout, MAX_MESSAGE_BYTES, false);
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JSONRPCMessage message;
                try {
                    message = JsonRpcMessages.parse(json, line);
                } catch (IOException | RuntimeException e) {
                    // stdout is the protocol; a stray line is the server's bug. Skip it rather than go deaf.
                    log.warn("upstream {} wrote a line that is not JSON-RPC, skipped: {}", spec.name(),
                            abbreviate(line));
                    continue;
                }
                inbound.accept(message);
            }
        } catch (IOException e) {
            why = e.getMessage();
        }
        // Reached only after every message that came before was delivered, so no late response is lost.
        lost.accept(unavailable("upstream " + spec.name() + " " + exitDescription(why)));
        closeAsync();
    }

    private String exitDescription(String why) {
        try {
            if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
                return "exited with code " + process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "is unreachable: " + why;
    }

    private void copyStderr() {
        try (InputStream stderr = process.getErrorStream()) {
            BoundedLineReader lines = new BoundedLineReader(stderr, MAX_LOG_LINE_BYTES, true);
            String line;
            while ((line = lines.readLine()) != null) {
                stderrLog.info("{}", line);
            }
        } catch (IOException e) {
            log.debug("stderr of upstream {} ended: {}", spec.name(), e.getMessage());
        }
    }

    @Override
    public CompletableFuture<Void> close() {
        return closeAsync();
    }

    private CompletableFuture<Void> closeAsync() {
        if (!closing.compareAndSet(false, true)) {
            return closed;
        }
        Process child = process;
        if (child == null) {
            closed.complete(null);
            return closed;
        }
        // Closing stdin is the polite stop signal of the stdio transport; queued writes go out first.
        writer.execute(() -> {
            try {
                child.getOutputStream().close();
            } catch (IOException ignored) {
                // already gone
            }
        });
        writer.shutdown();
        exitWithin(child, GRACE).thenCompose(exited -> {
            if (exited) {
                return CompletableFuture.completedFuture(true);
            }
            log.info("upstream {} did not exit after stdin closed; terminating", spec.name());
            // Wrappers (npx, sh -c) leave the real server as a grandchild: stop the whole tree.
            child.descendants().forEach(ProcessHandle::destroy);
            child.destroy();
            return exitWithin(child, GRACE);
        }).whenComplete((exited, error) -> {
            if (!Boolean.TRUE.equals(exited)) {
                log.warn("upstream {} ignored SIGTERM; killing", spec.name());
                child.descendants().forEach(ProcessHandle::destroyForcibly);
                child.destroyForcibly();
            }
            closed.complete(null);
        });
        return closed;
    }

    private static CompletableFuture<Boolean> exitWithin(Process child, Duration grace) {
        return child.onExit().thenApply(p -> true).completeOnTimeout(false, grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    private UpstreamException unavailable(String message) {
        return new UpstreamException(UpstreamException.Kind.UNAVAILABLE, message);
    }

    private Thread daemon(Runnable task, String stream) {
        Thread thread = new Thread(task, "warrant-upstream-" + spec.name() + "-" + stream);
        thread.setDaemon(true);
        return thread;
    }

    private static String abbreviate(String line) {
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
