package dev.warrant.gateway;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The official MCP Python SDK (mcp 2.3.0, pinned in python-tools/) run as real processes for a test: the
 * dual-era fixture server as an upstream, and the agent script as a client (both in python-tools/).
 */
public final class PythonProcess implements AutoCloseable {

    private final Process process;
    public final int port;

    private PythonProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static Path tools() {
        return Path.of(System.getProperty("warrant.pythonTools", "../python-tools")).toAbsolutePath().normalize();
    }

    static Path python() {
        Path tools = tools();
        Path python = tools.resolve(".venv/bin/python");
        if (!Files.isExecutable(python)) {
            throw new IllegalStateException("Python SDK missing: run 'bash " + tools.resolve("setup.sh") + "'");
        }
        return python;
    }

    static Path script(String name) {
        return tools().resolve(name);
    }

    public URI mcpUrl() {
        return URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    /** Starts the dual-era fixture server on a free loopback port and waits until it listens. */
    public static PythonProcess fixtureServer() throws Exception {
        int port = ProcessPorts.freePort();
        ProcessBuilder pb = new ProcessBuilder(python().toString(), script("fixture_server.py").toString(),
                "--port", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().keySet().retainAll(List.of("PATH", "HOME", "LANG"));
        PythonProcess server = new PythonProcess(pb.start(), port);
        try {
            ProcessPorts.awaitListening(port, server.process, "python fixture server", Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** What one run of the agent script printed: its JSON lines, and everything else for a failure message. */
    public record AgentRun(int exitCode, List<JsonObject> lines, String output) {

        /** The line of one step (or {@code connect}, {@code done}); fails naming the whole output when absent. */
        public JsonObject step(String step) {
            return lines.stream().filter(l -> step.equals(l.getString("step"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no step " + step + " in:\n" + output));
        }

        public List<JsonObject> events(String event) {
            return lines.stream().filter(l -> event.equals(l.getString("event"))).toList();
        }
    }

    /** Runs the agent script to its end (bounded) with {@code args} (see agent.py). */
    public static AgentRun agent(List<String> args, Duration timeout) throws IOException, InterruptedException {
        return agent(args, Map.of(), timeout);
    }

    /** The same, with {@code extraEnv} (e.g. a client secret, kept off the command line) in its environment. */
    public static AgentRun agent(List<String> args, Map<String, String> extraEnv, Duration timeout)
            throws IOException, InterruptedException {
        ScriptRun run = script("agent.py", args, extraEnv, timeout);
        List<JsonObject> lines = run.output().lines().filter(l -> l.startsWith("{")).map(JsonObject::new).toList();
        return new AgentRun(run.exitCode(), lines, run.output());
    }

    /** What a script of python-tools/ printed (stdout and stderr together), and its exit code. */
    public record ScriptRun(int exitCode, String output) {
    }

    /** Runs a script of python-tools/ in the pinned virtualenv to its end (bounded), with only PATH, HOME, LANG. */
    public static ScriptRun script(String name, List<String> args, Map<String, String> extraEnv, Duration timeout)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python().toString(), script(name).toString()));
        cmd.addAll(args);
        Path out = Files.createTempFile("warrant-python", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            Map<String, String> env = pb.environment();
            env.keySet().retainAll(List.of("PATH", "HOME", "LANG"));
            env.putAll(extraEnv);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(name + " did not finish within " + timeout + ":\n" + Files.readString(out));
            }
            return new ScriptRun(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
