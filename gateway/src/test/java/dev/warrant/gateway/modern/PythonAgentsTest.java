package dev.warrant.gateway.modern;

import dev.warrant.delegation.MintSpec;
import dev.warrant.gateway.PythonProcess;
import dev.warrant.gateway.PythonProcess.AgentRun;
import dev.warrant.gateway.JavaUpstreams;
import dev.warrant.gateway.TestGateway;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.conformance.ConformanceFixtureServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official Python SDK (mcp 2.3.0) as the agent, in each of its modes, through Warrant to upstreams of both
 * eras: the SDK's own dual-era server (Streamable HTTP), which the gateway discovers and speaks 2026-07-28 to; the
 * notes server and the conformance fixture (Java SDK, stdio, 2025). All four crossings: a modern or legacy agent
 * to a modern or legacy upstream, multi round-trip requests included.
 */
class PythonAgentsTest {

    private static PythonProcess fixture;
    private static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        fixture = PythonProcess.fixtureServer();
        // A 2025-era upstream that asks its client for input with a request (the conformance fixture, Java SDK).
        GatewayConfig.Upstream asking = new GatewayConfig.Upstream(JavaUpstreams.stdio("asking",
                ConformanceFixtureServer.class, List.of(), Map.of(), Duration.ofSeconds(20)), Map.of());
        gw = new TestGateway("fixture", fixture.mcpUrl(), List.of(asking), null, UnaryOperator.identity());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private static String token(String agent) {
        return gw.minter.mint(MintSpec.builder(agent)
                .right("tool", "notes", "read_note")
                .right("tool", "fixture", "echo").right("tool", "fixture", "regional")
                .right("tool", "fixture", "slow").right("tool", "fixture", "ask_name_resolved")
                .right("tool", "fixture", "touch")
                .right("resource", "fixture", "fixture://")
                .right("prompt", "fixture", "greet")
                .right("tool", "asking", "test_elicitation")
                .ttl(Duration.ofMinutes(10)).build());
    }

    private static AgentRun agent(String mode, String token, String... steps) throws Exception {
        List<String> args = new ArrayList<>(List.of(gw.mcpUrl().toString(), "--bearer", token, "--mode", mode));
        args.addAll(List.of(steps));
        AgentRun run = PythonProcess.agent(args, Duration.ofSeconds(90));
        assertThat(run.exitCode()).as(run.output()).isZero();
        return run;
    }

    @Test
    void aLegacyAgentsResourceSubscriptionReachesA2026UpstreamThroughAListenStream() throws Exception {
        java.util.concurrent.BlockingQueue<String> updated = new java.util.concurrent.LinkedBlockingQueue<>();
        URI url = gw.mcpUrl();
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://" + url.getRawAuthority())
                        .endpoint(url.getRawPath())
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token("legacy-sub")))
                        .build())
                .requestTimeout(Duration.ofSeconds(20))
                .resourcesUpdateConsumer(contents -> contents.forEach(c -> updated.add(c.uri())))
                .build();
        try (client) {
            client.initialize();
            assertThat(client.getServerCapabilities().resources().subscribe()).isTrue();
            client.subscribeResource(new McpSchema.SubscribeRequest("fixture://hello"));
            client.callTool(new McpSchema.CallToolRequest("fixture__touch", Map.of("uri", "fixture://hello")));
            assertThat(updated.poll(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("fixture://hello");
            client.unsubscribeResource(new McpSchema.UnsubscribeRequest("fixture://hello"));
        }
    }

    @Test
    void pinnedModernAgentReachesBothUpstreams() throws Exception {
        AgentRun run = agent("2026-07-28", token("modern-agent"),
                "list",
                "call:fixture__echo:{\"text\":\"hi\"}",
                "call:fixture__regional:{\"region\":\"eu-west1\",\"query\":\"select 1\"}",
                "call:notes__read_note:{\"path\":\"/notes/public/hello.md\"}",
                "call:fixture__slow:{\"steps\":2}",
                "read:fixture://hello",
                "prompt:fixture__greet:{\"who\":\"Bob\"}",
                "call:fixture__ask_name_resolved:{}",
                "listen");
        assertThat(run.step("connect").getString("version")).isEqualTo("2026-07-28");
        JsonObject list = run.step("list");
        List<Object> tools = list.getJsonArray("tools").getList();
        assertThat(tools).contains("fixture__echo", "fixture__regional", "notes__read_note", "warrant__delegate")
                .doesNotContain("notes__write_note");
        assertThat(tools).isSortedAccordingTo((a, b) -> a.toString().compareTo(b.toString()));
        assertThat(list.getValue("ttlMs")).isEqualTo(0);
        assertThat(list.getString("cacheScope")).isEqualTo("private");
        assertThat(run.step("call:fixture__echo:{\"text\":\"hi\"}").getString("text")).isEqualTo("hi");
        // The SDK mirrors region into Mcp-Param-Region; the gateway checked it against the argument.
        assertThat(run.step("call:fixture__regional:{\"region\":\"eu-west1\",\"query\":\"select 1\"}")
                .getString("text")).isEqualTo("eu-west1: select 1");
        assertThat(run.step("call:notes__read_note:{\"path\":\"/notes/public/hello.md\"}").getBoolean("isError"))
                .isFalse();
        JsonObject slow = run.step("call:fixture__slow:{\"steps\":2}");
        assertThat(slow.getString("text")).isEqualTo("done 2");
        assertThat(slow.getJsonArray("progress")).hasSize(2);
        // No log level in the requests: no log message may reach the agent.
        assertThat(run.events("log")).isEmpty();
        assertThat(run.step("read:fixture://hello").getString("text")).isEqualTo("hello resource");
        assertThat(run.step("prompt:fixture__greet:{\"who\":\"Bob\"}").getString("text")).isEqualTo("Say hello to Bob");
        // Modern to modern: the upstream's input_required reaches the agent (its state sealed by Warrant), the
        // SDK answers through its elicitation callback and retries, and the upstream completes.
        assertThat(run.step("call:fixture__ask_name_resolved:{}").getString("text")).isEqualTo("Hello, Ada");
        // The SDK's listen() waits for the acknowledgement and reads what was honoured from it.
        assertThat(run.step("listen").getJsonObject("honored"))
                .isEqualTo(new JsonObject().put("tools", true).put("prompts", true));
        // Every request of the run was audited as 2026-07-28 traffic without a session.
        List<JsonObject> audited = Files.readAllLines(gw.stateDir.resolve("audit.log")).stream().map(JsonObject::new)
                .filter(j -> "modern-agent".equals(j.getString("caller"))).toList();
        assertThat(audited).extracting(j -> j.getString("method"))
                .contains("tools/list", "tools/call", "resources/read", "prompts/get");
        assertThat(audited).allSatisfy(j -> assertThat(j.getString("sessionId")).isNull());
    }

    @Test
    void aModernAgentsResourceSubscriptionOnItsListenStreamIsDecidedAndDelivered() throws Exception {
        String watch = "watch:fixture__touch:fixture://hello";
        JsonObject watched = agent("2026-07-28", token("watcher"), watch).step(watch);
        assertThat(watched.getJsonArray("honored").getList()).containsExactly("fixture://hello");
        assertThat(watched.getString("updated")).isEqualTo("fixture://hello");

        // A caller without the resource right is not refused: the URI is just left out of the acknowledgement.
        String noResources = gw.minter.mint(MintSpec.builder("no-resources").right("tool", "fixture", "touch")
                .ttl(Duration.ofMinutes(10)).build());
        assertThat(agent("2026-07-28", noResources, watch).step(watch).getJsonArray("honored")).isEmpty();
    }

    @Test
    void aLegacyUpstreamsElicitationReachesAModernAgentAsInputRequiredAndItsAnswerGoesBack() throws Exception {
        String step = "call:asking__test_elicitation:{\"message\":\"Who are you?\"}";
        AgentRun run = agent("2026-07-28", token("asked-agent"), step);
        // The SDK's elicitation callback saw the upstream's question, and the upstream got the SDK's answer.
        assertThat(run.events("elicitation")).extracting(j -> j.getString("message")).containsExactly("Who are you?");
        assertThat(run.step(step).getString("text")).as(run.output())
                .isEqualTo("User response: action=accept, content={\"name\":\"Ada\"}");
        // Two requests (the call, then its retry with the answer), one correlation id, both audited.
        List<JsonObject> rounds = Files.readAllLines(gw.stateDir.resolve("audit.log")).stream().map(JsonObject::new)
                .filter(j -> "asked-agent".equals(j.getString("caller")) && "tools/call".equals(j.getString("method")))
                .toList();
        assertThat(rounds).hasSize(2);
        assertThat(rounds.get(0).getString("correlationId")).isNotNull()
                .isEqualTo(rounds.get(1).getString("correlationId"));
    }

    @Test
    void logMessagesReachOnlyARequestThatSetALevel() throws Exception {
        AgentRun run = agent("2026-07-28", token("logging-agent"), "--log-level", "info", "call:fixture__slow:{\"steps\":2}");
        assertThat(run.step("call:fixture__slow:{\"steps\":2}").getString("text")).isEqualTo("done 2");
        assertThat(run.events("log")).extracting(j -> j.getString("level")).containsOnly("info").hasSize(2);
    }

    @Test
    void autoModeDiscoversTheGatewayAndStaysModern() throws Exception {
        AgentRun run = agent("auto", token("auto-agent"), "call:fixture__echo:{\"text\":\"auto\"}");
        assertThat(run.step("connect").getString("version")).isEqualTo("2026-07-28");
        assertThat(run.step("connect").getString("serverName")).isEqualTo("warrant");
        assertThat(run.step("call:fixture__echo:{\"text\":\"auto\"}").getString("text")).isEqualTo("auto");
    }

    @Test
    void legacyModeStillSpeaks2025() throws Exception {
        AgentRun run = agent("legacy", token("legacy-agent"), "call:fixture__echo:{\"text\":\"old\"}",
                "call:fixture__ask_name_resolved:{}");
        assertThat(run.step("connect").getString("version")).isEqualTo("2025-11-25");
        assertThat(run.step("call:fixture__echo:{\"text\":\"old\"}").getString("text")).isEqualTo("old");
        // Legacy agent, modern upstream: the upstream's input_required is asked of the agent through its session
        // (an elicitation request), and the gateway retries upstream with the answer.
        assertThat(run.step("call:fixture__ask_name_resolved:{}").getString("text")).isEqualTo("Hello, Ada");
    }

    @Test
    void aModernAgentIsRefusedWhatItsTokenDoesNotAllow() throws Exception {
        String narrow = gw.minter.mint(MintSpec.builder("narrow-agent").right("tool", "fixture", "echo")
                .ttl(Duration.ofMinutes(10)).build());
        AgentRun run = agent("2026-07-28", narrow, "list", "call:fixture__regional:{\"region\":\"x\",\"query\":\"y\"}");
        assertThat(run.step("list").getJsonArray("tools").getList()).contains("fixture__echo")
                .doesNotContain("fixture__regional", "notes__read_note");
        JsonObject refused = run.step("call:fixture__regional:{\"region\":\"x\",\"query\":\"y\"}");
        assertThat(refused.getInteger("code")).as(refused.encode()).isEqualTo(-32602);
    }
}
