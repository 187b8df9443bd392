package dev.warrant.adapters;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Launch helpers for the real upstream processes the tests talk to. Loopback only. */
final class TestProcesses {

    private TestProcesses() {
    }

    /** The fixture MCP server as its own JVM, on this test's class path. */
    static StdioUpstreamSpec fixture(String name, Duration timeout, Map<String, String> env) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new StdioUpstreamSpec(name, java,
                List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                        FixtureServer.class.getName()),
                env, timeout);
    }

    static Path nodeTools() {
        return Path.of(System.getProperty("warrant.nodeTools", "../node-tools")).toAbsolutePath().normalize();
    }

    static Path everythingServer() {
        Path index = nodeTools().resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
        if (!Files.isRegularFile(index)) {
            throw new IllegalStateException("server-everything not installed: " + index);
        }
        return index;
    }

    /** node, found on PATH by the shell, as an absolute path (the stdio child gets only PATH and HOME). */
    static String node() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "node");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("node not found on PATH");
    }

    static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Waits until something accepts on 127.0.0.1:{@code port}; fails at once if {@code process} exits. */
    static void awaitPort(int port, Duration timeout, Process process) {
        await("something listening on 127.0.0.1:" + port).atMost(timeout).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("server exited with " + process.exitValue());
                    }
                    return accepts(port);
                });
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    static void stop(Process process) throws InterruptedException {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(3, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
        }
    }
}
