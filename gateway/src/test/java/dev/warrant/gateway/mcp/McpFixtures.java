package dev.warrant.gateway.mcp;

import dev.warrant.gateway.ProcessPorts;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the MCP fidelity tests share: the npm server-everything over Streamable HTTP as a real process (kept
 * on loopback by {@code node-tools/loopback.cjs}), and the MCP Java SDK client as an agent.
 */
final class McpFixtures {

    private McpFixtures() {
    }

    static Path nodeTools() {
        return Path.of(System.getProperty("warrant.nodeTools", "../node-tools")).toAbsolutePath().normalize();
    }

    /** server-everything on a free loopback port, started and listening; destroy it when done. */
    static final class Everything implements AutoCloseable {
        final Process process;
        final int port;

        Everything() throws Exception {
            port = ProcessPorts.freePort();
            Path tools = nodeTools();
            Path entry = tools.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
            if (!Files.exists(entry)) {
                throw new IllegalStateException("npm packages missing: run 'npm ci' in " + tools);
            }
            ProcessBuilder pb = new ProcessBuilder("node", "--require", tools.resolve("loopback.cjs").toString(),
                    entry.toString(), "streamableHttp")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            // Only what it needs: server-everything has a tool that prints its whole environment.
            pb.environment().keySet().retainAll(List.of("PATH", "HOME"));
            pb.environment().put("PORT", Integer.toString(port));
            process = pb.start();
            try {
                ProcessPorts.awaitListening(port, process, "server-everything", Duration.ofSeconds(30));
            } catch (Exception e) {
                close();
                throw e;
            }
        }

        URI mcpUrl() {
            return URI.create("http://127.0.0.1:" + port + "/mcp");
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** An initialized Java SDK client on {@code url} (e.g. .../mcp or .../servers/everything/mcp). */
    static McpSyncClient connect(URI url, String token) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://" + url.getRawAuthority())
                .endpoint(url.getRawPath())
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
                .build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build();
        client.initialize();
        return client;
    }

    static String reason(McpError e) {
        Object data = e.getJsonRpcError().data();
        return data instanceof Map<?, ?> m ? String.valueOf(m.get("reason")) : String.valueOf(data);
    }
}
