package dev.warrant.gateway.mcp;

import dev.warrant.gateway.JavaUpstreams;
import dev.warrant.adapters.HttpUpstreamSpec;
import dev.warrant.adapters.StdioUpstreamSpec;
import dev.warrant.delegation.MintSpec;
import dev.warrant.gateway.TestGateway;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.conformance.ConformanceFixtureServer;
import dev.warrant.policies.RiskTier;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server-to-client requests and related notifications an upstream sends during a call reach the agent that
 * made the call, through the gateway: sampling from the npm server-everything over Streamable HTTP (where
 * the request arrives on the call's own POST stream), elicitation and logging from the Java fixture over
 * stdio (no correlation: routed to the one call in flight). The agent is the MCP Java SDK client with real
 * handlers; an agent that did not declare a capability gets an error, never a hang.
 */
class ServerRequestRelayTest {

    static McpFixtures.Everything everything;
    static TestGateway gw;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        everything = new McpFixtures.Everything();
        StdioUpstreamSpec fixture = JavaUpstreams.stdio("fixture", ConformanceFixtureServer.class,
                List.of(), Map.of(), Duration.ofSeconds(20));
        UnaryOperator<GatewayConfig.Builder> upstreams = b -> b.upstreams(List.of(
                new GatewayConfig.Upstream(new HttpUpstreamSpec("everything", everything.mcpUrl(), Map.of(),
                        Duration.ofSeconds(20)), Map.of("trigger-sampling-request", RiskTier.LOW)),
                new GatewayConfig.Upstream(fixture, Map.of())));
        gw = new TestGateway(null, null, upstreams);
        token = gw.minter.mint(MintSpec.builder("planner")
                .right("tool", "everything", "*")
                .right("tool", "fixture", "*")
                .ttl(Duration.ofHours(1)).build());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
        if (everything != null) {
            everything.close();
        }
    }

    @Test
    void samplingOverHttpReachesTheCallingAgentAndItsAnswerTheTool() {
        List<McpSchema.CreateMessageRequest> asked = new CopyOnWriteArrayList<>();
        try (McpSyncClient agent = client(McpClient.sync(transport(gw.mcpUrl()))
                .capabilities(McpSchema.ClientCapabilities.builder().sampling().build())
                .sampling(request -> {
                    asked.add(request);
                    return new McpSchema.CreateMessageResult(McpSchema.Role.ASSISTANT,
                            new McpSchema.TextContent("forty-two, said the agent"), "agent-model",
                            McpSchema.CreateMessageResult.StopReason.END_TURN);
                }))) {
            McpSchema.CallToolResult result = agent.callTool(new McpSchema.CallToolRequest(
                    "everything__trigger-sampling-request", Map.of("prompt", "what is the answer?")));

            assertThat(asked).singleElement().satisfies(r -> assertThat(
                    ((McpSchema.TextContent) r.messages().get(0).content()).text()).contains("what is the answer?"));
            assertThat(text(result)).contains("forty-two, said the agent").contains("agent-model");
        }
    }

    @Test
    void agentWithoutSamplingGetsAnErrorNotAHang() {
        try (McpSyncClient agent = McpFixtures.connect(gw.mcpUrl(), token)) {
            long start = System.nanoTime();
            String outcome;
            try {
                McpSchema.CallToolResult result = agent.callTool(new McpSchema.CallToolRequest(
                        "everything__trigger-sampling-request", Map.of("prompt", "anyone?")));
                assertThat(result.isError()).isTrue();
                outcome = text(result);
            } catch (McpError e) {
                outcome = e.getMessage();
            }
            assertThat(outcome).contains("did not declare sampling");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void elicitationOverStdioReachesTheOnlyCallInFlight() {
        List<McpSchema.ElicitFormRequest> asked = new CopyOnWriteArrayList<>();
        URI fixture = fixtureUrl();
        try (McpSyncClient agent = client(McpClient.sync(transport(fixture))
                .capabilities(McpSchema.ClientCapabilities.builder().elicitation().build())
                .elicitation(request -> {
                    asked.add(request);
                    return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT,
                            Map.of("username", "ada", "email", "ada@example.org"));
                }))) {
            McpSchema.CallToolResult result = agent.callTool(new McpSchema.CallToolRequest(
                    "test_elicitation", Map.of("message", "who are you?")));

            assertThat(asked).singleElement().satisfies(r -> assertThat(r.message()).isEqualTo("who are you?"));
            assertThat(text(result)).contains("action=accept").contains("ada@example.org");
        }
    }

    @Test
    void logMessagesFollowEachSessionsOwnLevel() {
        URI fixture = fixtureUrl();
        List<McpSchema.LoggingMessageNotification> quietLogs = new CopyOnWriteArrayList<>();
        List<McpSchema.LoggingMessageNotification> verboseLogs = new CopyOnWriteArrayList<>();
        try (McpSyncClient quiet = client(McpClient.sync(transport(fixture)).loggingConsumer(quietLogs::add));
             McpSyncClient verbose = client(McpClient.sync(transport(fixture)).loggingConsumer(verboseLogs::add))) {
            quiet.setLoggingLevel(McpSchema.LoggingLevel.ERROR);
            // The upstream connection is shared: it now logs at debug, for everyone.
            verbose.setLoggingLevel(McpSchema.LoggingLevel.DEBUG);

            verbose.callTool(new McpSchema.CallToolRequest("test_tool_with_logging", Map.of()));
            quiet.callTool(new McpSchema.CallToolRequest("test_tool_with_logging", Map.of()));

            assertThat(verboseLogs).extracting(n -> String.valueOf(n.data()))
                    .containsExactly("Tool execution started", "Tool processing data", "Tool execution completed");
            assertThat(quietLogs).isEmpty();
        }
    }

    private static URI fixtureUrl() {
        return URI.create(gw.mcpUrl().toString().replace("/mcp", "/servers/fixture/mcp"));
    }

    private static HttpClientStreamableHttpTransport transport(URI url) {
        return HttpClientStreamableHttpTransport.builder("http://" + url.getRawAuthority())
                .endpoint(url.getRawPath())
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
                .build();
    }

    private static McpSyncClient client(McpClient.SyncSpec spec) {
        McpSyncClient client = spec.requestTimeout(Duration.ofSeconds(20)).build();
        client.initialize();
        return client;
    }

    private static String text(McpSchema.CallToolResult result) {
        return result.content().stream()
                .map(c -> c instanceof McpSchema.TextContent t ? t.text() : String.valueOf(c))
                .reduce("", String::concat);
    }
}
