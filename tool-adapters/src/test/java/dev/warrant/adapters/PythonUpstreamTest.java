package dev.warrant.adapters;

import static dev.warrant.adapters.StdioUpstreamTest.map;
import static dev.warrant.adapters.StdioUpstreamTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
 * The adapter against a server nobody here wrote: the official Python SDK's dual-era fixture
 * (python-tools/fixture_server.py), which it finds to speak 2026-07-28 and then talks to without a session. The
 * server checks the revision's headers itself (a wrong or missing {@code Mcp-Param-Region} is HTTP 400 -32020), so
 * each call that succeeds proves what it was sent.
 */
@Timeout(60)
class PythonUpstreamTest {

    private static PythonFixture fixture;
    private static Upstream upstream;

    @BeforeAll
    static void start() throws Exception {
        fixture = PythonFixture.start();
        upstream = Upstreams.connect(new HttpUpstreamSpec("py", fixture.url(), Map.of("Authorization", "Bearer x"),
                Duration.ofSeconds(10))).get(30, TimeUnit.SECONDS);
        ToolCatalog.listTools(upstream).get(10, TimeUnit.SECONDS); // teaches the adapter the tools' headers
    }

    @AfterAll
    static void stop() throws Exception {
        if (upstream != null) {
            upstream.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private static Map<String, Object> call(String method, Map<String, Object> params) throws Exception {
        return upstream.call(method, params, null).result().get(15, TimeUnit.SECONDS);
    }

    @Test
    void discoverMakesItA2026UpstreamWithTheServersOwnIdentity() {
        assertThat(upstream.isOpen()).isTrue();
        assertThat(upstream.initializeResult())
                .containsEntry("protocolVersion", "2026-07-28")
                .containsEntry("instructions", "Fixture upstream for Warrant tests.");
        assertThat(map(upstream.initializeResult().get("serverInfo"))).containsEntry("name", "fixture");
        assertThat(map(upstream.initializeResult().get("capabilities"))).containsKeys("tools", "resources", "prompts");
    }

    @Test
    void resourceSubscriptionsBecomeTheResourceSubscriptionsOfAListenStream() throws Exception {
        java.util.concurrent.BlockingQueue<String> updated = new java.util.concurrent.LinkedBlockingQueue<>();
        UpstreamListener listener = new UpstreamListener() {
            @Override
            public void onNotification(JsonRpcNotification n) {
                if ("notifications/resources/updated".equals(n.method())) {
                    updated.add(String.valueOf(n.params().get("uri")));
                }
            }

            @Override
            public void onClosed(UpstreamException cause) {
            }
        };
        upstream.addListener(listener);
        try {
            // Answered once the upstream acknowledged a stream that honours the URI, so the next change is heard.
            assertThat(call("resources/subscribe", Map.of("uri", "fixture://a"))).isEmpty();
            call("tools/call", Map.of("name", "touch", "arguments", Map.of("uri", "fixture://a")));
            assertThat(updated.poll(15, TimeUnit.SECONDS)).isEqualTo("fixture://a");

            // A second URI replaces the stream by one with both; leaving the first drops it from the stream.
            assertThat(call("resources/subscribe", Map.of("uri", "fixture://b"))).isEmpty();
            assertThat(call("resources/unsubscribe", Map.of("uri", "fixture://a"))).isEmpty();
            // A replaced stream may have missed changes: what stays subscribed is announced as updated.
            updated.clear();
            call("tools/call", Map.of("name", "touch", "arguments", Map.of("uri", "fixture://a")));
            call("tools/call", Map.of("name", "touch", "arguments", Map.of("uri", "fixture://b")));
            String next;
            do {
                next = updated.poll(15, TimeUnit.SECONDS);
                assertThat(next).as("an update for fixture://b").isNotNull().isNotEqualTo("fixture://a");
            } while (!"fixture://b".equals(next));
        } finally {
            upstream.removeListener(listener);
            call("resources/unsubscribe", Map.of("uri", "fixture://b"));
        }
    }

    @Test
    void listsAndCallsTools() throws Exception {
        List<Map<String, Object>> tools = ToolCatalog.listTools(upstream).get(10, TimeUnit.SECONDS);
        assertThat(tools).extracting(t -> t.get("name")).contains("echo", "regional", "ask_name_resolved", "slow");
        Map<String, Object> echo = call("tools/call", Map.of("name", "echo", "arguments", Map.of("text", "hi")));
        assertThat(text(echo)).isEqualTo("hi");
        assertThat(echo).containsEntry("resultType", "complete");
    }

    @Test
    void anAnnotatedArgumentTravelsInItsHeaderEvenWhenItIsNotAscii() throws Exception {
        assertThat(text(call("tools/call", Map.of("name", "regional",
                "arguments", Map.of("region", "eu-west1", "query", "select 1"))))).isEqualTo("eu-west1: select 1");
        assertThat(text(call("tools/call", Map.of("name", "regional",
                "arguments", Map.of("region", "Zürich ", "query", "q"))))).isEqualTo("Zürich : q");
    }

    @Test
    void progressArrivesInOrderUnderTheCallersTokenAndLogsReachTheRelay() throws Exception {
        List<JsonRpcNotification> progress = new CopyOnWriteArrayList<>();
        List<JsonRpcNotification> related = new CopyOnWriteArrayList<>();
        CallRelay relay = new CallRelay() {
            @Override
            public void onProgress(JsonRpcNotification notification) {
                progress.add(notification);
            }

            @Override
            public void onNotification(JsonRpcNotification notification) {
                related.add(notification);
            }
        };
        Map<String, Object> result = upstream.callRelayed("tools/call", Map.of("name", "slow",
                "arguments", Map.of("steps", 3), "_meta", Map.of("progressToken", "agent-token")), relay)
                .result().get(15, TimeUnit.SECONDS);
        assertThat(text(result)).isEqualTo("done 3");
        assertThat(progress).extracting(p -> ((Number) p.params().get("progress")).intValue()).containsExactly(1, 2, 3);
        assertThat(progress).allSatisfy(p -> assertThat(p.params()).containsEntry("progressToken", "agent-token"));
        assertThat(related).extracting(JsonRpcNotification::method).containsOnly("notifications/message").hasSize(3);
    }

    @Test
    void readsAResourceAndGetsAPrompt() throws Exception {
        Map<String, Object> read = call("resources/read", Map.of("uri", "fixture://hello"));
        assertThat(map(((List<?>) read.get("contents")).get(0))).containsEntry("text", "hello resource");
        Map<String, Object> prompt = call("prompts/get", Map.of("name", "greet", "arguments", Map.of("who", "Ada")));
        assertThat(prompt.get("messages").toString()).contains("Say hello to Ada");
        assertThatThrownBy(() -> call("resources/read", Map.of("uri", "fixture://nope"))).cause()
                .isInstanceOfSatisfying(UpstreamException.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamException.Kind.ERROR_RESPONSE);
                    assertThat(e.code()).isEqualTo(-32602);
                });
    }

    @Test
    void anInputRequiredResultComesBackUntouched() throws Exception {
        Map<String, Object> result = call("tools/call", Map.of("name", "ask_name_resolved", "arguments", Map.of()));
        assertThat(result).containsEntry("resultType", "input_required").containsKey("requestState");
        Map<String, Object> requests = map(result.get("inputRequests"));
        assertThat(requests).hasSize(1);
        assertThat(map(requests.values().iterator().next())).containsEntry("method", "elicitation/create");
    }
}
