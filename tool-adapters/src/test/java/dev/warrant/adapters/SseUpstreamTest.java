package dev.warrant.adapters;

import static dev.warrant.adapters.StdioUpstreamTest.callTool;
import static dev.warrant.adapters.StdioUpstreamTest.text;
import static dev.warrant.adapters.StdioUpstreamTest.withToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
 * The legacy HTTP+SSE transport against npm server-everything in {@code sse} mode (GET /sse, POST
 * /message?sessionId=...), forced onto 127.0.0.1 by node-tools/loopback.cjs.
 */
@Timeout(30)
class SseUpstreamTest {

    private static Process server;
    private static int port;
    private static Upstream sse;

    @BeforeAll
    static void start() throws Exception {
        port = TestProcesses.freeLoopbackPort();
        server = startServer(port);
        sse = Upstreams.connect(new SseUpstreamSpec("legacy", URI.create("http://127.0.0.1:" + port + "/sse"),
                Map.of("Authorization", "Bearer upstream-credential"), Duration.ofSeconds(10)))
                .get(15, TimeUnit.SECONDS);
    }

    static Process startServer(int port) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(TestProcesses.node(),
                "--require", TestProcesses.nodeTools().resolve("loopback.cjs").toString(),
                TestProcesses.everythingServer().toString(), "sse")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear(); // its get-env tool prints the environment: give it nothing to leak
        builder.environment().put("PORT", Integer.toString(port));
        Process process = builder.start();
        TestProcesses.awaitPort(port, Duration.ofSeconds(15), process);
        return process;
    }

    @AfterAll
    static void stop() throws Exception {
        if (sse != null) {
            sse.close();
        }
        TestProcesses.stop(server);
    }

    @Test
    void handshakeListAndCall() throws Exception {
        assertThat(sse.isOpen()).isTrue();
        assertThat(sse.initializeResult().get("protocolVersion")).isEqualTo("2025-06-18");
        List<Map<String, Object>> tools = ToolCatalog.listTools(sse).get(10, TimeUnit.SECONDS);
        assertThat(tools).extracting(t -> t.get("name")).contains("echo", "get-sum", "trigger-long-running-operation");
        assertThat(text(callTool(sse, "echo", Map.of("message", "over sse"), null))).isEqualTo("Echo: over sse");
        assertThat(text(callTool(sse, "get-sum", Map.of("a", 2, "b", 3), null))).contains("5");
    }

    @Test
    void progressArrivesOnTheStreamUnderTheCallersToken() throws Exception {
        List<JsonRpcNotification> progress = new CopyOnWriteArrayList<>();
        Map<String, Object> result = callTool(sse, "trigger-long-running-operation",
                Map.of("duration", 1, "steps", 2), withToken(7, progress));
        assertThat(text(result)).contains("Long running operation completed");
        assertThat(progress).hasSize(2).allSatisfy(n -> assertThat(n.params()).containsEntry("progressToken", 7));
    }

    @Test
    void closingEndsTheSessionAndLaterCallsFail() throws Exception {
        Upstream second = Upstreams.connect(new SseUpstreamSpec("legacy2",
                URI.create("http://127.0.0.1:" + port + "/sse"), Map.of(), Duration.ofSeconds(5)))
                .get(15, TimeUnit.SECONDS);
        assertThat(text(callTool(second, "echo", Map.of("message", "one"), null))).isEqualTo("Echo: one");
        second.closeAsync().get(5, TimeUnit.SECONDS);
        assertThat(second.isOpen()).isFalse();
        assertThatThrownBy(() -> second.call("tools/list", null, null).result().get(2, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.UNAVAILABLE));
        assertThat(sse.isOpen()).isTrue(); // the other session is untouched
    }

    @Test
    void aRestartedServerIsReconnectedAfterBackoff() throws Exception {
        int ownPort = TestProcesses.freeLoopbackPort();
        Process first = startServer(ownPort);
        Process second = null;
        Backoff fast = new Backoff(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofSeconds(60));
        try (Upstream upstream = Upstreams.connect(new SseUpstreamSpec("flaky",
                URI.create("http://127.0.0.1:" + ownPort + "/sse"), Map.of(), Duration.ofSeconds(5)), fast)
                .get(15, TimeUnit.SECONDS)) {
            assertThat(text(callTool(upstream, "echo", Map.of("message", "before"), null))).isEqualTo("Echo: before");
            first.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            await("the stream's end is noticed").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                    .until(() -> !upstream.isOpen());
            assertThatThrownBy(() -> upstream.call("tools/list", null, null).result().get(1, TimeUnit.SECONDS))
                    .cause().isInstanceOfSatisfying(UpstreamException.class,
                            e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.UNAVAILABLE));

            second = startServer(ownPort);
            await("reconnected").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(upstream::isOpen);
            assertThat(text(callTool(upstream, "echo", Map.of("message", "after"), null))).isEqualTo("Echo: after");
        } finally {
            TestProcesses.stop(first);
            TestProcesses.stop(second);
        }
    }

    @Test
    void anEndpointOnAnotherOriginIsRefused() throws Exception {
        // The configured credentials go to the endpoint: a server naming a foreign one must not get them sent there.
        HttpServer rogue = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        rogue.createContext("/sse", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write("event: endpoint\ndata: http://127.0.0.2:9/steal\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        });
        rogue.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + rogue.getAddress().getPort() + "/sse");
            assertThatThrownBy(() -> Upstreams.connect(new SseUpstreamSpec("rogue", url,
                    Map.of("Authorization", "Bearer secret"), Duration.ofSeconds(5))).get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOfSatisfying(UpstreamException.class, e -> {
                        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.PROTOCOL);
                        assertThat(e.getMessage()).contains("another origin");
                    });
        } finally {
            rogue.stop(0);
        }
    }

    @Test
    void aServerThatIsNotThereFailsTheConnectClearly() throws Exception {
        int closedPort = TestProcesses.freeLoopbackPort();
        assertThatThrownBy(() -> Upstreams.connect(new SseUpstreamSpec("nobody",
                URI.create("http://127.0.0.1:" + closedPort + "/sse"), Map.of(), Duration.ofSeconds(5)))
                .get(15, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(UpstreamException.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamException.Kind.UNAVAILABLE);
                    assertThat(e.getMessage()).startsWith("upstream nobody cannot open its SSE stream");
                });
    }
}
