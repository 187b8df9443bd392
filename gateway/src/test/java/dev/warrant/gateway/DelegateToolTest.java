package dev.warrant.gateway;

import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Delegation as an MCP tool: an agent with no Biscuit library delegates by calling warrant__delegate. */
class DelegateToolTest {

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
    void plannerDelegatesToASummarizerThroughTheToolAndTheChildIsNarrowed() throws Exception {
        String planner = gw.minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .right("tool", "notes", "write_note").task("T-7").ttl(Duration.ofHours(1)).build());
        gw.spans.reset();
        String child;
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), planner)) {
            McpSchema.CallToolResult result = Agents.call(client, "warrant__delegate", Map.of(
                    "to", "summarizer",
                    "tools", List.of("notes__read_note"),
                    "pathPrefixes", Map.of("path", "/notes/public/"),
                    "ttlSeconds", 600));
            assertThat(result.isError()).isFalse();
            child = Agents.text(result).trim();
        }
        VerifiedToken verified = new Verifier(KeyRing.of(gw.rootKey.publicKey()), VerifierSettings.defaults(),
                Clock.systemUTC()).verify(child);
        assertThat(verified.chain()).containsExactly("planner", "summarizer");
        assertThat(verified.caller()).isEqualTo("summarizer");
        assertThat(verified.task()).contains("T-7");

        // The hop recorded the delegating call's trace context: the SERVER span of warrant__delegate.
        await().atMost(Duration.ofSeconds(5)).until(() -> span("tools/call warrant__delegate") != null);
        SpanData delegating = span("tools/call warrant__delegate");
        assertThat(verified.traceContexts()).singleElement().satisfies(tp ->
                assertThat(tp).contains(delegating.getTraceId()).contains(delegating.getSpanId()));

        gw.spans.reset();
        try (McpSyncClient summarizer = Agents.connect(gw.mcpUrl(), child)) {
            assertThat(Agents.upstreamToolNames(summarizer)).containsExactly("notes__read_note");
            assertThat(Agents.text(Agents.call(summarizer, "notes__read_note", Map.of("path", "/notes/public/hello.md"))))
                    .contains("Hello");
            assertThatThrownBy(() -> Agents.call(summarizer, "notes__read_note", Map.of("path", "/notes/private/plan.md")))
                    .isInstanceOfSatisfying(McpError.class, e -> assertThat(EndToEndTest.reason(e)).isEqualTo("constraint_failed"));
        }
        // The summarizer's calls continue the planner's trace (parent = the hop's recorded context).
        await().atMost(Duration.ofSeconds(5)).until(() -> span("tools/call notes__read_note") != null);
        assertThat(span("tools/call notes__read_note").getTraceId()).isEqualTo(delegating.getTraceId());
    }

    @Test
    void delegatingMoreThanYouHaveGivesATokenThatCannotUseIt() throws Exception {
        String reader = gw.minter.mint(MintSpec.builder("reader").right("tool", "notes", "read_note")
                .ttl(Duration.ofHours(1)).build());
        String child;
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), reader)) {
            child = Agents.text(Agents.call(client, "warrant__delegate", Map.of(
                    "to", "helper", "tools", List.of("notes__write_note", "notes__read_note")))).trim();
            McpSchema.CallToolResult bad = Agents.call(client, "warrant__delegate", Map.of("tools", List.of("x")));
            assertThat(bad.isError()).isTrue();
            assertThat(Agents.text(bad)).contains("'to'");
        }
        try (McpSyncClient helper = Agents.connect(gw.mcpUrl(), child)) {
            assertThat(Agents.upstreamToolNames(helper)).containsExactly("notes__read_note");
            assertThatThrownBy(() -> Agents.call(helper, "notes__write_note", Map.of("path", "/notes/public/x", "text", "y")))
                    .isInstanceOfSatisfying(McpError.class, e -> assertThat(EndToEndTest.reason(e)).isEqualTo("unknown_tool"));
        }
    }

    @Test
    void inspectExplainsTheCallersToken() {
        String planner = gw.minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .task("T-9").ttl(Duration.ofHours(1)).build());
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), planner)) {
            McpSchema.CallToolResult result = Agents.call(client, "warrant__inspect", Map.of());
            assertThat(Agents.text(result)).contains("planner").contains("T-9").contains("notes__read_note")
                    .doesNotContain("notes__write_note");
            @SuppressWarnings("unchecked")
            Map<String, Object> structured = (Map<String, Object>) result.structuredContent();
            assertThat(structured).containsEntry("caller", "planner").containsEntry("allowedTools", List.of("notes__read_note"));
        }
    }

    private static SpanData span(String name) {
        return gw.spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.SERVER && s.getName().equals(name)).findFirst().orElse(null);
    }
}
