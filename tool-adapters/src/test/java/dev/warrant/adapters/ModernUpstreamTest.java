package dev.warrant.adapters;

import static dev.warrant.adapters.StdioUpstreamTest.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A 2026-07-28 upstream against a scripted server that records every request: what each POST carries (envelope,
 * routing and {@code Mcp-Param-*} headers, no session), cancel and timeout closing the request's stream, and the
 * {@code subscriptions/listen} stream (list changes to listeners, listened again when lost, closed on close).
 */
@Timeout(30)
class ModernUpstreamTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private ScriptedHttpServer server;
    private Upstream upstream;

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedHttpServer();
    }

    @AfterEach
    void stop() throws Exception {
        if (upstream != null) {
            upstream.close();
        }
        server.close();
    }

    private Upstream connect(Duration timeout) throws Exception {
        Backoff fast = new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(60));
        upstream = Upstreams.connect(new HttpUpstreamSpec("modern", server.url(),
                Map.of("Authorization", "Bearer upstream-secret"), timeout), fast).get(10, TimeUnit.SECONDS);
        return upstream;
    }

    @Test
    void theDiscoverResultBecomesTheInitializeResult() throws Exception {
        connect(Duration.ofSeconds(5));
        assertThat(upstream.isOpen()).isTrue();
        assertThat(upstream.initializeResult())
                .containsEntry("protocolVersion", "2026-07-28")
                .containsEntry("capabilities", Map.of("tools", Map.of("listChanged", true)))
                .containsEntry("serverInfo", Map.of("name", "scripted-modern", "version", "1"))
                .containsEntry("instructions", "scripted");
        assertThat(server.seen("initialize")).isEmpty();
        ScriptedHttpServer.Seen discover = server.seen("server/discover").get(0);
        assertThat(discover.headers().get("MCP-Protocol-Version")).isEqualTo("2026-07-28");
        assertThat(discover.headers().get("Mcp-Method")).isEqualTo("server/discover");
        assertThat(discover.headers().get("Accept")).isEqualTo("application/json, text/event-stream");
        assertThat(discover.headers().get("Authorization")).isEqualTo("Bearer upstream-secret");
        assertThat(discover.body().getJsonObject("params").getJsonObject("_meta").getMap())
                .containsEntry("io.modelcontextprotocol/protocolVersion", "2026-07-28")
                .containsKeys("io.modelcontextprotocol/clientCapabilities", "io.modelcontextprotocol/clientInfo");
    }

    @Test
    void eachCallCarriesTheEnvelopeAndRoutingHeadersAndNoSession() throws Exception {
        connect(Duration.ofSeconds(5));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", "Zürich ");
        params.put("arguments", Map.of("q", 1));
        params.put("_meta", Map.of("progressToken", 7, "traceparent", TRACEPARENT));
        UpstreamCall call = upstream.call("tools/call", params, p -> { });
        Map<String, Object> result = call.result().get(5, TimeUnit.SECONDS);

        Map<String, Object> meta = map(map(result.get("echoedParams")).get("_meta"));
        assertThat(meta)
                .containsEntry("traceparent", TRACEPARENT)
                .containsEntry("progressToken", call.upstreamId()) // the one rewrite: a token unique upstream
                .containsEntry("io.modelcontextprotocol/protocolVersion", "2026-07-28")
                .containsEntry("io.modelcontextprotocol/clientCapabilities",
                        Map.of("sampling", Map.of(), "elicitation", Map.of(), "roots", Map.of()));
        assertThat(map(meta.get("io.modelcontextprotocol/clientInfo"))).containsEntry("name", "warrant");
        // The caller's map is untouched.
        assertThat(params.get("_meta")).isEqualTo(Map.of("progressToken", 7, "traceparent", TRACEPARENT));

        ScriptedHttpServer.Seen sent = server.seen("tools/call").get(0);
        assertThat(sent.headers().get("Mcp-Method")).isEqualTo("tools/call");
        assertThat(sent.headers().get("Mcp-Name")).isEqualTo("=?base64?WsO8cmljaCA=?=");
        assertThat(sent.headers().get("MCP-Protocol-Version")).isEqualTo("2026-07-28");
        assertThat(server.seen).allSatisfy(s -> {
            assertThat(s.httpMethod()).isEqualTo("POST");
            assertThat(s.headers().get("Mcp-Session-Id")).isNull();
            assertThat(s.headers().get("Authorization")).isEqualTo("Bearer upstream-secret");
        });
        // 2026 has no client notifications over HTTP: completes at once, sends nothing.
        upstream.notify("notifications/roots/list_changed", Map.of()).get(5, TimeUnit.SECONDS);
        assertThat(server.seen).noneMatch(s -> s.rpcMethod() != null && s.rpcMethod().startsWith("notifications/"));
    }

    @Test
    void annotatedArgumentsOfAListedToolGoInMcpParamHeaders() throws Exception {
        server.tools = new JsonArray().add(new JsonObject().put("name", "route").put("inputSchema", new JsonObject()
                .put("type", "object").put("properties", new JsonObject()
                        .put("region", new JsonObject().put("type", "string").put("x-mcp-header", "Region"))
                        .put("shards", new JsonObject().put("type", "integer").put("x-mcp-header", "Shards"))
                        .put("dry", new JsonObject().put("type", "boolean").put("x-mcp-header", "Dry"))
                        .put("where", new JsonObject().put("type", "object").put("properties", new JsonObject()
                                .put("zone", new JsonObject().put("type", "string").put("x-mcp-header", "Zone")))))));
        connect(Duration.ofSeconds(5));
        assertThat(ToolCatalog.listTools(upstream).get(5, TimeUnit.SECONDS)).hasSize(1);

        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("region", "eu-west1");
        arguments.put("shards", 3.0);
        arguments.put("dry", false);
        arguments.put("where", Map.of("zone", "b"));
        upstream.call("tools/call", Map.of("name", "route", "arguments", arguments), null).result()
                .get(5, TimeUnit.SECONDS);
        arguments.remove("region");
        arguments.put("shards", null);
        upstream.call("tools/call", Map.of("name", "route", "arguments", arguments), null).result()
                .get(5, TimeUnit.SECONDS);

        List<ScriptedHttpServer.Seen> calls = server.seen("tools/call");
        assertThat(calls.get(0).headers().get("Mcp-Param-Region")).isEqualTo("eu-west1");
        assertThat(calls.get(0).headers().get("Mcp-Param-Shards")).isEqualTo("3");
        assertThat(calls.get(0).headers().get("Mcp-Param-Dry")).isEqualTo("false");
        assertThat(calls.get(0).headers().get("Mcp-Param-Zone")).isEqualTo("b");
        // An absent or null argument has no header.
        assertThat(calls.get(1).headers().get("Mcp-Param-Region")).isNull();
        assertThat(calls.get(1).headers().get("Mcp-Param-Shards")).isNull();
        assertThat(calls.get(1).headers().get("Mcp-Param-Zone")).isEqualTo("b");
    }

    @Test
    void aCancelledCallClosesItsStreamAndSendsNoCancelNotification() throws Exception {
        connect(Duration.ofSeconds(20));
        UpstreamCall call = upstream.call("tools/call", Map.of("name", "hold", "arguments", Map.of()), null);
        await().atMost(WAIT).until(() -> server.seen("tools/call").size() == 1);
        call.cancel("the agent went away");
        assertThatThrownBy(() -> call.result().get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.CANCELLED));
        await().atMost(WAIT).until(() -> server.heldClosed.get() == 1);
        assertThat(server.seen("notifications/cancelled")).isEmpty();
    }

    @Test
    void aCallPastItsTimeoutClosesItsStream() throws Exception {
        connect(Duration.ofMillis(500));
        UpstreamCall call = upstream.call("tools/call", Map.of("name", "hold", "arguments", Map.of()), null);
        assertThatThrownBy(() -> call.result().get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.TIMEOUT));
        await().atMost(WAIT).until(() -> server.heldClosed.get() == 1);
        assertThat(server.seen("notifications/cancelled")).isEmpty();
    }

    @Test
    void listChangesReachListenersAndALostStreamIsListenedAgain() throws Exception {
        connect(Duration.ofSeconds(5));
        List<JsonRpcNotification> heard = new CopyOnWriteArrayList<>();
        upstream.addListener(new UpstreamListener() {
            @Override
            public void onNotification(JsonRpcNotification notification) {
                heard.add(notification);
            }
        });
        await().atMost(WAIT).until(() -> server.listens.size() == 1);
        JsonObject listen = server.seen("subscriptions/listen").get(0).body();
        assertThat(listen.getJsonObject("params").getJsonObject("notifications").getMap())
                .isEqualTo(Map.of("toolsListChanged", true));
        assertThat(server.seen("subscriptions/listen").get(0).headers().get("Mcp-Method"))
                .isEqualTo("subscriptions/listen");

        server.sendOnListen(0, new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/tools/list_changed")
                .put("params", new JsonObject().put("_meta", new JsonObject()
                        .put("io.modelcontextprotocol/subscriptionId", listen.getValue("id")))));
        await().atMost(WAIT).until(() -> heard.size() == 1);
        assertThat(heard.get(0).method()).isEqualTo("notifications/tools/list_changed");

        // Lost: listened to again, and since nothing is replayed the tools are announced as changed.
        server.dropListen(0);
        await().atMost(WAIT).until(() -> server.listens.size() == 2);
        await().atMost(WAIT).until(() -> heard.size() == 2);
        assertThat(heard.get(1).method()).isEqualTo("notifications/tools/list_changed");

        upstream.close();
        await().atMost(WAIT).until(() -> server.listensClosed.get() == 2);
        assertThat(server.seen).extracting(ScriptedHttpServer.Seen::httpMethod).containsOnly("POST");
    }

    @Test
    void aLevelSetWithSetLevelIsAskedForOnEachRequest() throws Exception {
        connect(Duration.ofSeconds(5));
        assertThat(logLevelSent()).isEqualTo("debug"); // none set: everything, as a 2025 session gets
        assertThat(upstream.call("logging/setLevel", Map.of("level", "error"), null).result().get(5, TimeUnit.SECONDS))
                .isEmpty();
        assertThat(logLevelSent()).isEqualTo("error");
        assertThat(server.seen("logging/setLevel")).isEmpty();
    }

    private Object logLevelSent() throws Exception {
        Map<String, Object> result = upstream.call("tools/call", Map.of("name", "echo"), null).result()
                .get(5, TimeUnit.SECONDS);
        return map(map(result.get("echoedParams")).get("_meta"))
                .get("io.modelcontextprotocol/logLevel");
    }

    @Test
    void anUpstreamThatNoLongerSpeaks2026IsProbedAgainAndSpokenToIn2025() throws Exception {
        connect(Duration.ofSeconds(5));
        java.util.function.Function<JsonObject, ScriptedHttpServer.Answer> unsupported = request ->
                ScriptedHttpServer.Answer.json(400, new JsonObject().put("jsonrpc", "2.0")
                        .put("id", request.getValue("id")).put("error", new JsonObject().put("code", -32022)
                        .put("message", "Unsupported protocol version").put("data", new JsonObject()
                                .put("supported", new JsonArray().add("2025-11-25")).put("requested", "2026-07-28"))));
        server.discover = unsupported;
        server.everyCall = unsupported; // replaced by a 2025-only server
        assertThatThrownBy(() -> upstream.call("tools/list", Map.of(), null).result().get(5, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(UpstreamException.class, e -> assertThat(e.code()).isEqualTo(-32022));
        server.everyCall = null;
        await().atMost(WAIT).until(() -> server.seen("initialize").size() == 1);
        await().atMost(WAIT).until(upstream::isOpen);
        assertThat(upstream.initializeResult()).containsEntry("protocolVersion", "2025-06-18");
        assertThat(server.seen("server/discover")).hasSize(2);
    }

    @Test
    void aCallFromAnEventLoopOfTheGivenVertxIsAnsweredOnThatThread() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            upstream = Upstreams.connect(new HttpUpstreamSpec("modern", server.url(), Map.of(), Duration.ofSeconds(5)),
                    vertx).get(10, TimeUnit.SECONDS);
            CompletableFuture<List<Thread>> threads = new CompletableFuture<>();
            vertx.runOnContext(v -> {
                Thread caller = Thread.currentThread();
                upstream.call("tools/call", Map.of("name", "echo"), null).result().whenComplete((result, error) -> {
                    if (error != null) {
                        threads.completeExceptionally(error);
                    } else {
                        threads.complete(List.of(caller, Thread.currentThread()));
                    }
                });
            });
            List<Thread> seenThreads = threads.get(5, TimeUnit.SECONDS);
            assertThat(seenThreads.get(0).getName()).startsWith("vert.x-eventloop-thread-");
            assertThat(seenThreads.get(1)).isSameAs(seenThreads.get(0));
            upstream.closeAsync().get(5, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aHeaderMismatchIsSentOnceMoreAfterListingTheToolsAgain() throws Exception {
        JsonObject strict = new JsonObject().put("name", "strict").put("inputSchema", new JsonObject()
                .put("type", "object").put("properties", new JsonObject()
                        .put("region", new JsonObject().put("type", "string").put("x-mcp-header", "Region"))));
        server.tools = new JsonArray().add(strict.copy().put("inputSchema", new JsonObject().put("type", "object")));
        connect(Duration.ofSeconds(5));
        ToolCatalog.listTools(upstream).get(5, TimeUnit.SECONDS); // an old listing: no header asked yet

        server.tools = new JsonArray().add(strict);
        Map<String, Object> call = Map.of("name", "strict", "arguments", Map.of("region", "eu"));
        assertThat(upstream.call("tools/call", call, null).result().get(5, TimeUnit.SECONDS))
                .containsKey("echoedParams");
        assertThat(server.seen("tools/call")).extracting(s -> s.headers().get("Mcp-Param-Region"))
                .containsExactly(null, "eu");
        assertThat(server.seen("tools/list")).hasSize(2);

        // Once only: a second mismatch is the call's error.
        server.tools = new JsonArray().add(strict.copy().put("inputSchema", new JsonObject().put("type", "object")));
        ToolCatalog.listTools(upstream).get(5, TimeUnit.SECONDS);
        assertThatThrownBy(() -> upstream.call("tools/call", call, null).result().get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(UpstreamException.class, e -> assertThat(e.code()).isEqualTo(-32020));
        assertThat(server.seen("tools/call")).hasSize(4);
    }

    @Test
    void jsonRpcErrorsAreTheUpstreamsOwn() throws Exception {
        connect(Duration.ofSeconds(5));
        assertThatThrownBy(() -> upstream.call("foo/bar", Map.of(), null).result().get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(UpstreamException.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamException.Kind.ERROR_RESPONSE);
                    assertThat(e.code()).isEqualTo(-32601);
                });
    }
}
