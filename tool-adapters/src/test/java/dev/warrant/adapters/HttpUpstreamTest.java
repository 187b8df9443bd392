package dev.warrant.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP transport against a tiny scripted Streamable HTTP server (JDK HttpServer on 127.0.0.1) that
 * records every request: configured headers on every request, session and protocol-version headers, and
 * result fields no SDK record knows.
 */
@Timeout(20)
class HttpUpstreamTest {

    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();

    /** One recorded HTTP request: method, JSON-RPC method (if any) and the headers we care about. */
    record Seen(String httpMethod, String rpcMethod, String authorization, String session, String version) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    /** When set, every request that carries a session id is answered 404, as by a restarted server. */
    private volatile boolean forgetSessions;
    private HttpServer server;
    private URI url;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/mcp", this::handle);
        server.start();
        url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mcp");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void headersSessionAndUnknownFieldsSurvive() throws Exception {
        Upstream upstream = Upstreams.connect(new HttpUpstreamSpec("scripted", url,
                Map.of("Authorization", "Bearer upstream-secret"), Duration.ofSeconds(5))).get(10, TimeUnit.SECONDS);
        assertThat(upstream.initializeResult()).containsEntry("x-future", Map.of("flag", true));

        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", "anything");
        params.put("arguments", Map.of());
        params.put("x-client-extension", List.of("kept"));
        Map<String, Object> result = upstream.call("tools/call", params, null).result().get(5, TimeUnit.SECONDS);
        assertThat(result).containsEntry("task", Map.of("taskId", "t-1", "status", "working"))
                .containsEntry("echoedParams", params);

        assertThatThrownBy(() -> upstream.call("fail", Map.of(), null).result().get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(UpstreamException.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamException.Kind.ERROR_RESPONSE);
                    assertThat(e.code()).isEqualTo(-32000);
                    assertThat(e.data()).isEqualTo(Map.of("why", "scripted"));
                });
        upstream.close();

        assertThat(seen).isNotEmpty().allSatisfy(s -> assertThat(s.authorization()).isEqualTo("Bearer upstream-secret"));
        // This server answers server/discover with a JSON-RPC error: a 2025 server, spoken to with initialize.
        assertThat(seen.get(0).rpcMethod()).isEqualTo("server/discover");
        assertThat(seen.get(1).rpcMethod()).isEqualTo("initialize");
        assertThat(seen.subList(2, seen.size())).allSatisfy(s -> assertThat(s.session()).isEqualTo("session-1"));
        assertThat(seen).filteredOn(s -> "tools/call".equals(s.rpcMethod())).singleElement()
                .satisfies(s -> assertThat(s.version()).isEqualTo("2025-06-18"));
        assertThat(seen).extracting(Seen::rpcMethod).contains("notifications/initialized");
        assertThat(seen).extracting(Seen::httpMethod).contains("DELETE");
    }

    @Test
    void aCallSentFromAnEventLoopOfTheGivenVertxGoesAndAnswersOnThatThread() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            Upstream upstream = Upstreams.connect(new HttpUpstreamSpec("scripted", url, Map.of(), Duration.ofSeconds(5)),
                    vertx).get(10, TimeUnit.SECONDS);
            java.util.concurrent.CompletableFuture<List<Thread>> threads = new java.util.concurrent.CompletableFuture<>();
            vertx.runOnContext(v -> {
                Thread caller = Thread.currentThread();
                upstream.call("tools/call", Map.of("name", "anything"), null).result().whenComplete((result, error) -> {
                    if (error != null) {
                        threads.completeExceptionally(error);
                    } else {
                        threads.complete(List.of(caller, Thread.currentThread()));
                    }
                });
            });
            List<Thread> seenThreads = threads.get(5, TimeUnit.SECONDS);
            assertThat(io.vertx.core.Context.isOnVertxThread()).isFalse();
            assertThat(seenThreads.get(0).getName()).startsWith("vert.x-eventloop-thread-");
            // The answer completed the call on the caller's own event loop: no hop to another thread and back.
            assertThat(seenThreads.get(1)).isSameAs(seenThreads.get(0));

            // A call from a thread outside Vert.x still works: it runs on the channel's home context.
            Map<String, Object> result = upstream.call("tools/call", Map.of("name", "outside"), null).result()
                    .get(5, TimeUnit.SECONDS);
            assertThat(result).containsKey("echoedParams");
            upstream.closeAsync().get(5, TimeUnit.SECONDS);
            assertThat(seen).extracting(Seen::httpMethod).endsWith("DELETE");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anUnreachableServerFailsTheConnectAsUnavailable() {
        server.stop(0);
        assertThatThrownBy(() -> Upstreams.connect(new HttpUpstreamSpec("gone", url, Map.of(), Duration.ofSeconds(5)))
                .get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.UNAVAILABLE));
    }

    @Test
    void aSessionTheServerForgotIsLostOnceAndTheSupervisorConnectsAgain() throws Exception {
        Backoff fast = new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(60));
        try (Upstream upstream = Upstreams.connect(new HttpUpstreamSpec("forgetful", url, Map.of(),
                Duration.ofSeconds(5)), fast).get(10, TimeUnit.SECONDS)) {
            // The GET for the server's stream follows the handshake on its own: had it met the forgetful
            // server, the loss would be found by it, not by the call below (a race that made this test flaky).
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                    .untilAsserted(() -> assertThat(seen).extracting(Seen::httpMethod).contains("GET"));
            forgetSessions = true;
            assertThatThrownBy(() -> upstream.call("tools/call", Map.of("name", "x"), null).result()
                    .get(5, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(UpstreamException.class, e -> {
                        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("no longer knows our session");
                    });
            forgetSessions = false;
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(seen).filteredOn(s -> "initialize".equals(s.rpcMethod())).hasSize(2));
            // The new session's handshake is done once the supervisor reports the upstream open again.
            await().atMost(Duration.ofSeconds(5)).until(upstream::isOpen);
            assertThat(upstream.call("tools/call", Map.of("name", "x"), null).result().get(5, TimeUnit.SECONDS))
                    .containsKey("task");
        }
    }

    @Test
    void aStreamedAnswerAndAJsonRpcErrorInAnHttpErrorReachTheCaller() throws Exception {
        try (Upstream upstream = Upstreams.connect(new HttpUpstreamSpec("streaming", url, Map.of(),
                Duration.ofSeconds(5))).get(10, TimeUnit.SECONDS)) {
            List<JsonRpcNotification> progress = new CopyOnWriteArrayList<>();
            Map<String, Object> result = upstream.call("stream", Map.of("_meta", Map.of("progressToken", "p")),
                    progress::add).result().get(5, TimeUnit.SECONDS);
            assertThat(result).containsEntry("streamed", true);
            assertThat(progress).singleElement().satisfies(p -> assertThat(p.params()).containsEntry("progress", 1));

            assertThatThrownBy(() -> upstream.call("http-error", Map.of(), null).result().get(5, TimeUnit.SECONDS))
                    .cause().isInstanceOfSatisfying(UpstreamException.class, e -> {
                        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.ERROR_RESPONSE);
                        assertThat(e.code()).isEqualTo(-32602);
                    });
            assertThatThrownBy(() -> upstream.call("http-plain-error", Map.of(), null).result()
                    .get(5, TimeUnit.SECONDS)).cause().isInstanceOfSatisfying(UpstreamException.class, e -> {
                        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("HTTP 503");
                    });
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String http = exchange.getRequestMethod();
            Map<String, Object> message = http.equals("POST")
                    ? JSON.readValue(exchange.getRequestBody().readAllBytes(), new TypeRef<Map<String, Object>>() { })
                    : Map.of();
            String rpc = (String) message.get("method");
            seen.add(new Seen(http, rpc, exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Mcp-Session-Id"),
                    exchange.getRequestHeaders().getFirst("MCP-Protocol-Version")));
            if (forgetSessions && exchange.getRequestHeaders().getFirst("Mcp-Session-Id") != null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (!http.equals("POST")) {
                exchange.sendResponseHeaders(http.equals("GET") ? 405 : 200, -1);
                return;
            }
            if (!message.containsKey("id")) {
                exchange.sendResponseHeaders(202, -1);
                return;
            }
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("jsonrpc", "2.0");
            response.put("id", message.get("id"));
            switch (rpc) {
                case "initialize" -> {
                    exchange.getResponseHeaders().add("Mcp-Session-Id", "session-1");
                    response.put("result", Map.of("protocolVersion", "2025-06-18", "capabilities", Map.of("tools", Map.of()),
                            "serverInfo", Map.of("name", "scripted", "version", "0"), "x-future", Map.of("flag", true)));
                }
                case "stream" -> {
                    // An SSE answer written in pieces: a primer, a comment, a progress event split mid-line, CRLF.
                    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
                    exchange.sendResponseHeaders(200, 0);
                    Object token = ((Map<?, ?>) ((Map<?, ?>) message.get("params")).get("_meta")).get("progressToken");
                    String note = JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "method", "notifications/progress",
                            "params", Map.of("progressToken", token, "progress", 1)));
                    response.put("result", Map.of("streamed", true));
                    String answer = JSON.writeValueAsString(response);
                    for (String piece : List.of("id: 1\ndata:\n\n: hello\n", "data: " + note.substring(0, 10),
                            note.substring(10) + "\r\n\r\nid: 2\r\ndata: " + answer + "\r\n\r\n")) {
                        exchange.getResponseBody().write(piece.getBytes(StandardCharsets.UTF_8));
                        exchange.getResponseBody().flush();
                    }
                    return;
                }
                case "http-error", "http-plain-error" -> {
                    boolean asRpc = rpc.equals("http-error");
                    byte[] body = (asRpc ? JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", message.get("id"),
                            "error", Map.of("code", -32602, "message", "bad arguments"))) : "overloaded")
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", asRpc ? "application/json" : "text/plain");
                    exchange.sendResponseHeaders(asRpc ? 400 : 503, body.length);
                    exchange.getResponseBody().write(body);
                    return;
                }
                case "tools/call" -> response.put("result", Map.of("content", List.of(),
                        "task", Map.of("taskId", "t-1", "status", "working"), "echoedParams", message.get("params")));
                default -> response.put("error", Map.of("code", -32000, "message", "scripted failure",
                        "data", Map.of("why", "scripted")));
            }
            byte[] body = JSON.writeValueAsString(response).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }
}
