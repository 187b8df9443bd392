package dev.warrant.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.TypeRef;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The adapter against a real stdio MCP server (the Java SDK fixture) in its own JVM. */
@Timeout(20)
class StdioUpstreamTest {

    private static Upstream upstream;

    @BeforeAll
    static void connect() throws Exception {
        upstream = Upstreams.connect(TestProcesses.fixture("fixture", Duration.ofSeconds(10),
                Map.of("FIXTURE_FLAG", "on"))).get(20, TimeUnit.SECONDS);
    }

    @AfterAll
    static void close() {
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void handshakeKeepsTheRawInitializeResult() {
        assertThat(upstream.isOpen()).isTrue();
        assertThat(upstream.name()).isEqualTo("fixture");
        Map<String, Object> init = upstream.initializeResult();
        assertThat(init.get("protocolVersion")).isEqualTo("2025-06-18");
        assertThat(map(init.get("serverInfo"))).containsEntry("name", "fixture").containsEntry("version", "1.0.0");
        assertThat(map(init.get("capabilities"))).containsKey("tools");
    }

    @Test
    void listsToolsAsRawMaps() throws Exception {
        List<Map<String, Object>> tools = ToolCatalog.listTools(upstream).get(10, TimeUnit.SECONDS);
        assertThat(tools).extracting(t -> t.get("name")).contains("echo", "slow", "crash", "echo_meta");
        Map<String, Object> slow = tools.stream().filter(t -> "slow".equals(t.get("name"))).findFirst().orElseThrow();
        assertThat(map(map(slow.get("inputSchema")).get("properties"))).containsKeys("ms", "steps");
    }

    @Test
    void callReturnsTheRawResultWithFieldsBeyondContent() throws Exception {
        Map<String, Object> result = callTool(upstream, "echo", Map.of("text", "hello"), null);
        assertThat(text(result)).isEqualTo("hello");
        assertThat(map(result.get("structuredContent"))).containsEntry("echoed", "hello").containsEntry("length", 5);
        assertThat(map(map(result.get("_meta")).get("fixture/extra"))).containsEntry("nested", true);
    }

    @Test
    void metaIsForwardedUntouchedExceptTheProgressToken() throws Exception {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        meta.put("progressToken", "agent-token");
        meta.put("vendor/custom", Map.of("deep", List.of(1, 2)));
        Map<String, Object> params = Map.of("name", "echo_meta", "arguments", Map.of(), "_meta", Map.copyOf(meta));

        Map<String, Object> result = upstream.call("tools/call", params, n -> { }).result().get(10, TimeUnit.SECONDS);

        Map<String, Object> seen = McpJsonDefaults.getMapper().readValue(text(result), new TypeRef<>() { });
        assertThat(seen).containsEntry("traceparent", meta.get("traceparent"))
                .containsEntry("vendor/custom", Map.of("deep", List.of(1, 2)));
        assertThat(seen.get("progressToken")).isNotNull().isNotEqualTo("agent-token");
        assertThat(map(params.get("_meta"))).containsEntry("progressToken", "agent-token"); // caller's map intact
    }

    @Test
    void progressReachesTheCallerUnderItsOwnToken() throws Exception {
        List<JsonRpcNotification> progress = new CopyOnWriteArrayList<>();
        Map<String, Object> result = callTool(upstream, "slow", Map.of("ms", 250, "steps", 4),
                withToken(42, progress));
        assertThat(text(result)).isEqualTo("slept 250");
        assertThat(progress).hasSize(4).allSatisfy(n -> {
            assertThat(n.method()).isEqualTo("notifications/progress");
            assertThat(n.params()).containsEntry("progressToken", 42).containsEntry("total", 4.0);
        });
        assertThat(progress).extracting(n -> n.params().get("message")).containsExactly("step 1", "step 2", "step 3", "step 4");
    }

    @Test
    void twoCallsWithTheSameTokenEachGetTheirOwnProgress() throws Exception {
        List<JsonRpcNotification> first = new CopyOnWriteArrayList<>();
        List<JsonRpcNotification> second = new CopyOnWriteArrayList<>();
        UpstreamCall a = upstream.call("tools/call", toolParams("slow", Map.of("ms", 300, "steps", 3), "same"),
                first::add);
        UpstreamCall b = upstream.call("tools/call", toolParams("slow", Map.of("ms", 300, "steps", 6), "same"),
                second::add);
        CompletableFuture.allOf(a.result(), b.result()).get(10, TimeUnit.SECONDS);
        assertThat(a.upstreamId()).isNotEqualTo(b.upstreamId());
        assertThat(first).hasSize(3).allSatisfy(n -> assertThat(n.params())
                .containsEntry("progressToken", "same").containsEntry("total", 3.0));
        assertThat(second).hasSize(6).allSatisfy(n -> assertThat(n.params())
                .containsEntry("progressToken", "same").containsEntry("total", 6.0));
    }

    @Test
    void cancelFailsTheCallAndTellsTheUpstream() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        UpstreamCall call = upstream.call("tools/call", toolParams("slow", Map.of("ms", 3000, "steps", 30), "c"),
                n -> running.countDown());
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();

        call.cancel("agent went away");

        assertThatThrownBy(() -> call.result().get(2, TimeUnit.SECONDS)).cause()
                .isInstanceOf(UpstreamException.class)
                .satisfies(e -> assertThat(((UpstreamException) e).kind()).isEqualTo(UpstreamException.Kind.CANCELLED));
        assertThat(cancellationsSeenBy(upstream)).contains(call.upstreamId());
        call.cancel("again"); // no-op once done
    }

    @Test
    void errorResponsesKeepCodeAndMessage() {
        UpstreamCall call = upstream.call("no/such/method", Map.of(), null);
        assertThatThrownBy(() -> call.result().get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(UpstreamException.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamException.Kind.ERROR_RESPONSE);
                    assertThat(e.code()).isEqualTo(-32601);
                    assertThat(e.getMessage()).isNotBlank();
                });
    }

    @Test
    void serverRequestsGetPingAnsweredAndTheRestRefused() throws Exception {
        assertThat(text(callTool(upstream, "ping_client", Map.of(), null))).isEqualTo("pong");
        Map<String, Object> roots = callTool(upstream, "ask_roots", Map.of(), null);
        assertThat(roots).containsEntry("isError", true);
        assertThat(text(roots)).startsWith("roots failed").contains("Method not found");
    }

    @Test
    void uncorrelatedNotificationsReachListeners() throws Exception {
        List<JsonRpcNotification> seen = new CopyOnWriteArrayList<>();
        UpstreamListener listener = new UpstreamListener() {
            @Override
            public void onNotification(JsonRpcNotification notification) {
                seen.add(notification);
            }
        };
        upstream.addListener(listener);
        try {
            callTool(upstream, "list_changed", Map.of(), null);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(seen).extracting(JsonRpcNotification::method).contains("notifications/tools/list_changed"));
        } finally {
            upstream.removeListener(listener);
        }
    }

    @Test
    void childSeesOnlyPathHomeAndItsConfiguredEnvironment() throws Exception {
        Map<String, Object> env = McpJsonDefaults.getMapper()
                .readValue(text(callTool(upstream, "env", Map.of(), null)), new TypeRef<Map<String, Object>>() { });
        assertThat(env).containsEntry("FIXTURE_FLAG", "on");
        assertThat(env.keySet()).isSubsetOf("PATH", "HOME", "FIXTURE_FLAG");
    }

    // ---- helpers shared with the other upstream tests ----

    static Map<String, Object> callTool(Upstream upstream, String tool, Map<String, Object> arguments,
            Map.Entry<Object, List<JsonRpcNotification>> progress)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        Map<String, Object> params = toolParams(tool, arguments, progress == null ? null : progress.getKey());
        return upstream.call("tools/call", params, progress == null ? null : progress.getValue()::add)
                .result().get(15, TimeUnit.SECONDS);
    }

    static Map.Entry<Object, List<JsonRpcNotification>> withToken(Object token, List<JsonRpcNotification> sink) {
        return Map.entry(token, sink);
    }

    static Map<String, Object> toolParams(String tool, Map<String, Object> arguments, Object progressToken) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", tool);
        params.put("arguments", arguments);
        if (progressToken != null) {
            params.put("_meta", Map.of("progressToken", progressToken));
        }
        return params;
    }

    static List<Object> cancellationsSeenBy(Upstream upstream) throws Exception {
        String json = text(callTool(upstream, "cancellations", Map.of(), null));
        try {
            return McpJsonDefaults.getMapper().readValue(json, new TypeRef<List<Object>>() { });
        } catch (IOException e) {
            throw new AssertionError(json, e);
        }
    }

    static String text(Map<String, Object> result) {
        List<?> content = (List<?>) result.get("content");
        return String.valueOf(map(content.get(0)).get("text"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }
}
