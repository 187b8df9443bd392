package dev.warrant.gateway;

import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.MintSpec;
import dev.warrant.otel.McpAttributes;
import io.modelcontextprotocol.client.McpSyncClient;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A SERVER span per request, a CLIENT span per upstream call, and the trace context inside params._meta. */
class TracingTest {

    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        gw = new TestGateway(null);
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void callIsTracedAndTheUpstreamReceivesTheClientSpanAsTraceparent() throws Exception {
        String planner = gw.minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .task("T-42").ttl(Duration.ofHours(1)).build());
        String researcher = Delegator.attenuate(planner, HopSpec.delegateTo("researcher")
                .tools("notes", "read_note").build(), Clock.systemUTC());
        gw.spans.reset();
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), researcher)) {
            Agents.call(client, "notes__read_note", Map.of("path", "/notes/public/hello.md"));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> serverSpan("tools/call notes__read_note") != null);
        SpanData server = serverSpan("tools/call notes__read_note");
        assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(server.getAttributes().get(McpAttributes.MCP_METHOD_NAME)).isEqualTo("tools/call");
        assertThat(server.getAttributes().get(McpAttributes.GEN_AI_TOOL_NAME)).isEqualTo("notes__read_note");
        assertThat(server.getAttributes().get(McpAttributes.GEN_AI_OPERATION_NAME)).isEqualTo("execute_tool");
        assertThat(server.getAttributes().get(McpAttributes.MCP_SESSION_ID)).isNotBlank();
        assertThat(server.getAttributes().get(McpAttributes.WARRANT_CALLER)).isEqualTo("researcher");
        assertThat(server.getAttributes().get(McpAttributes.WARRANT_CHAIN)).containsExactly("planner", "researcher");
        assertThat(server.getAttributes().get(McpAttributes.WARRANT_DEPTH)).isEqualTo(1L);
        assertThat(server.getAttributes().get(McpAttributes.WARRANT_TASK)).isEqualTo("T-42");
        assertThat(server.getAttributes().get(McpAttributes.WARRANT_DECISION)).isEqualTo("allow");

        SpanData client = gw.spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
        assertThat(client.getTraceId()).isEqualTo(server.getTraceId());
        assertThat(client.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(client.getAttributes().get(McpAttributes.NETWORK_TRANSPORT)).isEqualTo("pipe");
        SpanData authorize = gw.spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("authorize")).findFirst().orElseThrow();
        assertThat(authorize.getParentSpanId()).isEqualTo(server.getSpanId());

        // The notes server logged the _meta it received: the CLIENT span's traceparent, and no credential.
        List<String> lines = Files.readAllLines(gw.metaLog);
        JsonObject meta = new JsonObject(lines.get(lines.size() - 1));
        assertThat(meta.getString("traceparent"))
                .isEqualTo("00-" + client.getTraceId() + "-" + client.getSpanId() + "-" + client.getSpanContext().getTraceFlags().asHex());
        String all = String.join("\n", lines);
        assertThat(all).doesNotContain(researcher).doesNotContain(planner).doesNotContainIgnoringCase("authorization");
    }

    @Test
    void deniedCallsAreTracedWithTheirReason() {
        String reader = gw.minter.mint(MintSpec.builder("reader").right("tool", "notes", "read_note")
                .ttl(Duration.ofHours(1)).build());
        String narrowed = Delegator.attenuate(reader, HopSpec.delegateTo("intern").tools("notes", "read_note")
                .argPathPrefix("path", "/notes/public/").build(), Clock.systemUTC());
        gw.spans.reset();
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), narrowed)) {
            try {
                Agents.call(client, "notes__read_note", Map.of("path", "/notes/private/plan.md"));
            } catch (RuntimeException expected) {
                // denied
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> serverSpan("tools/call notes__read_note") != null);
        SpanData server = serverSpan("tools/call notes__read_note");
        assertThat(server.getAttributes().get(McpAttributes.WARRANT_DECISION)).isEqualTo("deny");
        assertThat(server.getAttributes().get(McpAttributes.WARRANT_REASON)).isEqualTo("constraint_failed");
        assertThat(server.getAttributes().get(McpAttributes.ERROR_TYPE)).isEqualTo("constraint_failed");
        assertThat(gw.spans.getFinishedSpanItems()).noneMatch(s -> s.getKind() == SpanKind.CLIENT);
    }

    private static SpanData serverSpan(String name) {
        return gw.spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.SERVER && s.getName().equals(name))
                .findFirst().orElse(null);
    }
}
