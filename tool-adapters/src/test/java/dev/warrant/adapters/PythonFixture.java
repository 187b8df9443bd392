package dev.warrant.adapters;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The official MCP Python SDK's dual-era server (python-tools/fixture_server.py, mcp 2.3.0 pinned) as a real
 * process on a free loopback port, for the 2026-07-28 upstream tests.
 */
final class PythonFixture implements AutoCloseable {

    private final Process process;
    private final int port;

    private PythonFixture(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static Path tools() {
        return Path.of(System.getProperty("warrant.pythonTools", "../python-tools")).toAbsolutePath().normalize();
    }

    /** Starts the server and waits until it accepts connections. */
    static PythonFixture start() throws Exception {
        Path python = tools().resolve(".venv/bin/python");
        if (!Files.isExecutable(python)) {
            throw new IllegalStateException("Python SDK missing: run 'bash " + tools().resolve("setup.sh") + "'");
        }
        int port = TestProcesses.freeLoopbackPort();
        ProcessBuilder builder = new ProcessBuilder(python.toString(), tools().resolve("fixture_server.py").toString(),
                "--port", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().retainAll(List.of("PATH", "HOME", "LANG"));
        PythonFixture fixture = new PythonFixture(builder.start(), port);
        try {
            TestProcesses.awaitPort(port, Duration.ofSeconds(30), fixture.process);
        } catch (RuntimeException e) {
            fixture.close();
            throw e;
        }
        return fixture;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    @Override
    public void close() throws InterruptedException {
        TestProcesses.stop(process);
    }
}
