package dev.warrant.gateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A third-party npm MCP server run as a real process for a test, kept on loopback by the
 * {@code node-tools/loopback.cjs} preload (the servers themselves listen on all interfaces).
 */
public final class NodeProcess implements AutoCloseable {

    private final Process process;
    public final int port;

    private NodeProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static Path nodeTools() {
        return Path.of(System.getProperty("warrant.nodeTools", "../node-tools")).toAbsolutePath().normalize();
    }

    /** Starts server-everything's Streamable HTTP transport on a free loopback port and waits until it listens. */
    public static NodeProcess everythingHttp() throws Exception {
        int port = ProcessPorts.freePort();
        Path tools = nodeTools();
        Path entry = tools.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
        if (!Files.exists(entry)) {
            throw new IllegalStateException("npm packages missing: run 'npm ci' in " + tools);
        }
        List<String> cmd = new ArrayList<>(List.of("node", "--require", tools.resolve("loopback.cjs").toString(),
                entry.toString(), "streamableHttp"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // Only what it needs: server-everything has a tool that prints its whole environment.
        Map<String, String> env = pb.environment();
        env.keySet().retainAll(List.of("PATH", "HOME"));
        env.put("PORT", Integer.toString(port));
        Process p = pb.start();
        NodeProcess np = new NodeProcess(p, port);
        try {
            ProcessPorts.awaitListening(port, p, "node server", Duration.ofSeconds(30));
        } catch (Exception e) {
            np.close();
            throw e;
        }
        return np;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
