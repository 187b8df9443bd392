package dev.warrant.adapters;

import static dev.warrant.adapters.StdioUpstreamTest.callTool;
import static dev.warrant.adapters.StdioUpstreamTest.text;
import static dev.warrant.adapters.StdioUpstreamTest.withToken;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The adapter against the reference TypeScript server (npm server-everything), over Streamable HTTP and
 * over stdio. The HTTP server is forced onto 127.0.0.1 by node-tools/loopback.cjs.
 */
@Timeout(20)
class EverythingServerTest {

    private static Process httpServer;
    private static Upstream http;
    private static Upstream stdio;

    @BeforeAll
    static void start() throws Exception {
        int port = TestProcesses.freeLoopbackPort();
        ProcessBuilder builder = new ProcessBuilder(TestProcesses.node(),
                "--require", TestProcesses.nodeTools().resolve("loopback.cjs").toString(),
                TestProcesses.everythingServer().toString(), "streamableHttp")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear(); // its get-env tool prints the environment: give it nothing to leak
        builder.environment().put("PORT", Integer.toString(port));
        httpServer = builder.start();
        TestProcesses.awaitPort(port, Duration.ofSeconds(15), httpServer);

        http = Upstreams.connect(new HttpUpstreamSpec("everything", URI.create("http://127.0.0.1:" + port + "/mcp"),
                Map.of("Authorization", "Bearer upstream-credential"), Duration.ofSeconds(10)))
                .get(15, TimeUnit.SECONDS);
        stdio = Upstreams.connect(new StdioUpstreamSpec("everything-stdio", TestProcesses.node(),
                List.of(TestProcesses.everythingServer().toString(), "stdio"), Map.of(), Duration.ofSeconds(10)))
                .get(15, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Upstream upstream : new Upstream[] {http, stdio}) {
            if (upstream != null) {
                upstream.close();
            }
        }
        TestProcesses.stop(httpServer);
    }

    @Test
    void httpHandshakeAndCatalog() throws Exception {
        assertThat(http.isOpen()).isTrue();
        assertThat(http.initializeResult().get("protocolVersion")).isEqualTo("2025-06-18");
        assertThat(StdioUpstreamTest.map(http.initializeResult().get("serverInfo")).get("name")).isNotNull();
        List<Map<String, Object>> tools = ToolCatalog.listTools(http).get(10, TimeUnit.SECONDS);
        assertThat(tools).extracting(t -> t.get("name")).contains("echo", "trigger-long-running-operation");
        Map<String, Object> echo = tools.stream().filter(t -> "echo".equals(t.get("name"))).findFirst().orElseThrow();
        assertThat(echo).containsKeys("inputSchema", "annotations", "title"); // raw fields kept
    }

    @Test
    void httpCallEcho() throws Exception {
        assertThat(text(callTool(http, "echo", Map.of("message", "over http"), null))).isEqualTo("Echo: over http");
    }

    @Test
    void httpProgressIsRoutedUnderTheCallersToken() throws Exception {
        List<JsonRpcNotification> progress = new CopyOnWriteArrayList<>();
        Map<String, Object> result = callTool(http, "trigger-long-running-operation",
                Map.of("duration", 1, "steps", 3), withToken("agent-progress", progress));
        assertThat(text(result)).contains("Long running operation completed");
        assertThat(progress).hasSize(3).allSatisfy(n ->
                assertThat(n.params()).containsEntry("progressToken", "agent-progress").containsEntry("total", 3));
        assertThat(progress).extracting(n -> n.params().get("progress")).containsExactly(1, 2, 3);
    }

    @Test
    void stdioListAndEcho() throws Exception {
        assertThat(ToolCatalog.listTools(stdio).get(10, TimeUnit.SECONDS)).extracting(t -> t.get("name"))
                .contains("echo", "get-sum");
        assertThat(text(callTool(stdio, "echo", Map.of("message", "over stdio"), null))).isEqualTo("Echo: over stdio");
    }
}
