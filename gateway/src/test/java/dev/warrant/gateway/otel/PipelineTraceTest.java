package dev.warrant.gateway.otel;

import dev.warrant.gateway.JavaUpstreams;
import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.Gateway;
import dev.warrant.gateway.ProcessPorts;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.demo.NotesServer;
import dev.warrant.gateway.otel.OtlpReceiver.ReceivedSpan;
import dev.warrant.otel.Telemetry;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 7's acceptance test, end to end over real wires: a gateway whose telemetry is configured only through
 * the standard otel.* properties exports OTLP/HTTP protobuf to a receiver on loopback; a pipeline of three
 * agents (planner → researcher → summarizer) delegating with the built-in warrant__delegate tool, none of
 * them sending trace headers, reads as ONE trace; the audit log, the upstream's _meta and /metrics agree.
 *
 * <p>The pipeline's runner hands the planner its token the way {@code warrant attenuate --trace} does: one
 * hop (orchestrator → planner) that records the runner's own span context. Without it the planner's
 * separate HTTP requests would start separate traces.
 */
class PipelineTraceTest {

    /** The default policy's first allow (docs/ARCHITECTURE.md §3.4), by its source and line. */
    static final String ALLOWING_POLICY = "<default policy>:2: allow if request($k, $s, $n), right($k, $s, $n)";
    static final String DENYING_CHECK = "block 3, check 1: check all arg_path(\"path\", $p), "
            + "$p.starts_with(\"/notes/public/\") or method(\"tools/list\")";

    static OtlpReceiver receiver;
    static Gateway gateway;
    static Path stateDir;
    static Path metaLog;
    static Minter minter;
    static final AtomicReference<String> memberId = new AtomicReference<>();

    @BeforeAll
    static void start() throws Exception {
        receiver = new OtlpReceiver();
        stateDir = Files.createTempDirectory("warrant-otel-test");
        SigningKey rootKey = KeyFiles.loadOrCreate(stateDir);
        minter = new Minter(rootKey, Clock.systemUTC(), Duration.ofHours(24));
        metaLog = stateDir.resolve("meta.log");
        GatewayConfig config = GatewayConfig.builder()
                .host("127.0.0.1").port(0).stateDir(stateDir)
                .rootKeys(List.of(rootKey.publicKey()))
                .clusterName("warrant-otel-" + UUID.randomUUID())
                .clusterPort(ProcessPorts.freePort())
                .upstreams(List.of(new GatewayConfig.Upstream(JavaUpstreams.stdio("notes", NotesServer.class,
                        List.of("--state-dir", stateDir.toString()), Map.of("NOTES_META_LOG", metaLog.toString()),
                        Duration.ofSeconds(20)), Map.of())))
                .build();
        // Exactly what an operator sets as OTEL_* variables, passed as properties so the test JVM's env is untouched.
        Map<String, String> otel = Map.of(
                "otel.traces.exporter", "otlp",
                "otel.exporter.otlp.protocol", "http/protobuf",
                "otel.exporter.otlp.endpoint", receiver.endpoint().toString(),
                "otel.bsp.schedule.delay", "50");
        gateway = Gateway.start(config, member -> {
            memberId.set(member);
            return Telemetry.autoConfigured(member, otel);
        }, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void threeAgentPipelineIsOneTraceWithLinksAttributesAuditAndMeta() throws Exception {
        // The runner's own span (it is not the gateway's to export): every gateway span must join its trace.
        HexFormat hex = HexFormat.of();
        Random random = new Random();
        String traceId = hex.formatHex(bytes(random, 16));
        String runnerTraceparent = "00-" + traceId + "-" + hex.formatHex(bytes(random, 8)) + "-01";

        String orchestrator = minter.mint(MintSpec.builder("orchestrator").right("tool", "notes", "read_note")
                .right("tool", "notes", "list_notes").task("T-100").ttl(Duration.ofHours(1)).build());
        String planner = Delegator.attenuate(orchestrator, HopSpec.delegateTo("planner")
                .tools("notes", "read_note", "list_notes").trace(runnerTraceparent).build(), Clock.systemUTC());

        String researcher;
        try (McpSyncClient client = connect(planner)) {
            client.callTool(new McpSchema.CallToolRequest("notes__list_notes", Map.of()));
            researcher = delegate(client, Map.of("to", "researcher", "tools", List.of("notes__read_note", "notes__list_notes")));
        }
        String summarizer;
        try (McpSyncClient client = connect(researcher)) {
            assertThat(text(client.callTool(new McpSchema.CallToolRequest("notes__read_note",
                    Map.of("path", "/notes/public/hello.md"))))).contains("Hello");
            summarizer = delegate(client, Map.of("to", "summarizer", "tools", List.of("notes__read_note"),
                    "pathPrefixes", Map.of("path", "/notes/public/")));
        }
        try (McpSyncClient client = connect(summarizer)) {
            assertThat(text(client.callTool(new McpSchema.CallToolRequest("notes__read_note",
                    Map.of("path", "/notes/public/hello.md"))))).contains("Hello");
            assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("notes__read_note",
                    Map.of("path", "/notes/private/plan.md")))).isInstanceOf(McpError.class);
        }

        // 6 tools/call SERVER spans: list, delegate (planner); read, delegate (researcher); read, denied read (summarizer).
        await().atMost(Duration.ofSeconds(10)).until(() -> toolCalls(traceId).size() == 6
                && spans(traceId, "CLIENT").size() == 3);
        List<ReceivedSpan> trace = receiver.spans().stream().filter(s -> s.traceId().equals(traceId)).toList();
        assertThat(receiver.spans()).as("every span the gateway exported is in the pipeline's trace")
                .allSatisfy(s -> assertThat(s.traceId()).isEqualTo(traceId));
        assertThat(receiver.contentTypes()).contains("application/x-protobuf");
        assertThat(trace).allSatisfy(s -> {
            assertThat(s.resource()).containsEntry("service.name", "warrant")
                    .containsEntry("service.instance.id", memberId.get());
        });

        ReceivedSpan plannerDelegate = toolCall(traceId, "tools/call warrant__delegate", "planner");
        ReceivedSpan researcherDelegate = toolCall(traceId, "tools/call warrant__delegate", "researcher");
        String runnerSpan = runnerTraceparent.split("-")[2];
        String hop1 = traceId + "-" + runnerSpan;
        String hop2 = traceId + "-" + plannerDelegate.spanId();
        String hop3 = traceId + "-" + researcherDelegate.spanId();

        for (ReceivedSpan s : toolCalls(traceId)) {
            String caller = s.attr("warrant.caller");
            switch (caller) {
                case "planner" -> {
                    assertThat(s.parentSpanId()).as("parent = the runner's span recorded in the hop").isEqualTo(runnerSpan);
                    assertThat(s.links()).containsExactly(hop1);
                    assertThat(s.attributes()).containsEntry("warrant.delegation.chain", List.of("orchestrator", "planner"))
                            .containsEntry("warrant.delegation.depth", 1L);
                }
                case "researcher" -> {
                    assertThat(s.parentSpanId()).isEqualTo(plannerDelegate.spanId());
                    assertThat(s.links()).containsExactly(hop1, hop2);
                    assertThat(s.attributes()).containsEntry("warrant.delegation.chain",
                            List.of("orchestrator", "planner", "researcher")).containsEntry("warrant.delegation.depth", 2L);
                }
                case "summarizer" -> {
                    assertThat(s.parentSpanId()).isEqualTo(researcherDelegate.spanId());
                    assertThat(s.links()).containsExactly(hop1, hop2, hop3);
                    assertThat(s.attributes()).containsEntry("warrant.delegation.chain",
                            List.of("orchestrator", "planner", "researcher", "summarizer"))
                            .containsEntry("warrant.delegation.depth", 3L);
                }
                default -> throw new AssertionError("unexpected caller " + caller);
            }
            assertThat(s.attributes()).containsEntry("warrant.task", "T-100")
                    .containsEntry("mcp.method.name", "tools/call")
                    .containsEntry("gen_ai.operation.name", "execute_tool")
                    .containsKey("jsonrpc.request.id").containsKey("mcp.session.id").containsKey("mcp.protocol.version");
            assertThat(s.name()).isEqualTo("tools/call " + s.attr("gen_ai.tool.name"));
        }
        ReceivedSpan denied = toolCalls(traceId).stream().filter(s -> "deny".equals(s.attr("warrant.decision")))
                .collect(single());
        assertThat(denied.attributes()).containsEntry("warrant.caller", "summarizer")
                .containsEntry("warrant.reason", "constraint_failed").containsEntry("error.type", "constraint_failed");
        assertThat(denied.error()).isTrue();
        assertThat(toolCalls(traceId).stream().filter(s -> "allow".equals(s.attr("warrant.decision"))))
                .hasSize(5).allSatisfy(s -> assertThat(s.attributes()).containsEntry("warrant.reason", "allowed")
                        .doesNotContainKey("error.type"));

        // authorize spans: one per upstream tool decision, children of their SERVER span.
        List<ReceivedSpan> authorize = trace.stream().filter(s -> s.name().equals("authorize")).toList();
        assertThat(authorize).hasSize(4);
        assertThat(authorize).allSatisfy(a -> assertThat(toolCalls(traceId)).anySatisfy(s ->
                assertThat(s.spanId()).isEqualTo(a.parentSpanId())));
        assertThat(authorize).filteredOn(a -> "deny".equals(a.attr("warrant.decision"))).singleElement()
                .satisfies(a -> assertThat(a.attr("warrant.reason")).isEqualTo("constraint_failed"))
                // warrant.policy names what decided: here the summarizer's hop (block 3), its path constraint.
                .satisfies(a -> assertThat(a.attr("warrant.policy")).isEqualTo(DENYING_CHECK));
        assertThat(authorize).filteredOn(a -> "allow".equals(a.attr("warrant.decision"))).hasSize(3)
                .allSatisfy(a -> assertThat(a.attr("warrant.policy")).isEqualTo(ALLOWING_POLICY));

        // CLIENT spans: under an allowed SERVER span, over a pipe, and their context is what the upstream saw.
        List<ReceivedSpan> clients = spans(traceId, "CLIENT");
        assertThat(clients).allSatisfy(c -> {
            assertThat(c.attributes()).containsEntry("network.transport", "pipe").containsEntry("warrant.upstream", "notes")
                    .containsEntry("mcp.method.name", "tools/call");
            assertThat(toolCalls(traceId)).anySatisfy(s -> assertThat(s.spanId()).isEqualTo(c.parentSpanId()));
        });
        List<String> metaTraceparents = Files.readAllLines(metaLog).stream()
                .map(l -> new JsonObject(l).getString("traceparent")).toList();
        assertThat(metaTraceparents).containsExactlyInAnyOrderElementsOf(
                clients.stream().map(c -> "00-" + traceId + "-" + c.spanId() + "-01").toList());

        // The audit record of each call carries its span's trace id.
        Path auditLog = stateDir.resolve("audit.log");
        await().atMost(Duration.ofSeconds(5)).until(() -> auditToolCalls(auditLog).size() == 6);
        List<JsonObject> audit = auditToolCalls(auditLog);
        assertThat(audit).allSatisfy(r -> assertThat(r.getString("traceId")).isEqualTo(traceId));
        // Every decision line (a checkpoint, if one came due, records no call).
        assertThat(Files.readAllLines(auditLog).stream().filter(l -> !dev.warrant.gateway.record.AuditFiles.isCheckpoint(l)))
                .allSatisfy(l ->
                assertThat(new JsonObject(l).getString("traceId")).isEqualTo(traceId));
        // ... and names the same deciding statement as the authorize span (none for the built-in warrant__delegate).
        assertThat(audit.stream().map(r -> r.getString("target") + " " + r.getString("decision") + " " + r.getString("policy")))
                .containsExactlyInAnyOrder(
                        "notes__list_notes allow " + ALLOWING_POLICY,
                        "warrant__delegate allow null",
                        "notes__read_note allow " + ALLOWING_POLICY,
                        "warrant__delegate allow null",
                        "notes__read_note allow " + ALLOWING_POLICY,
                        "notes__read_note deny " + DENYING_CHECK);
        assertThat(audit.stream().map(r -> r.getString("caller") + " " + r.getString("target") + " " + r.getString("decision")))
                .containsExactlyInAnyOrderElementsOf(toolCalls(traceId).stream()
                        .map(s -> s.attr("warrant.caller") + " " + s.attr("gen_ai.tool.name") + " " + s.attr("warrant.decision"))
                        .toList());

        Path svg = Path.of(System.getProperty("warrant.docs.trace", "target/example-trace.svg"));
        Files.createDirectories(svg.toAbsolutePath().getParent());
        Files.writeString(svg, TraceTimelineSvg.render("Warrant: planner → researcher → summarizer, one trace", trace));
        assertThat(Files.readString(svg)).contains("tools/call warrant__delegate").contains("constraint_failed");
    }

    @Test
    void metricsAreServedInPrometheusTextFormat() throws Exception {
        String reader = minter.mint(MintSpec.builder("reader").right("tool", "notes", "read_note").ttl(Duration.ofHours(1)).build());
        try (McpSyncClient client = connect(reader)) {
            client.callTool(new McpSchema.CallToolRequest("notes__read_note", Map.of("path", "/notes/public/hello.md")));
        }
        // HTTP/1.1 as Prometheus scrapes, and bounded: once in five full runs the JDK client's h2c upgrade of this
        // GET was never answered and the test hung; 900 upgraded GETs in a row did not reproduce it.
        HttpResponse<String> res = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(gateway.baseUrl().resolve("/metrics")).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
        assertThat(res.body())
                .contains("# TYPE mcp_server_operation_duration_seconds histogram")
                .containsPattern("mcp_server_operation_duration_seconds_count\\{mcp_method_name=\"tools/call\",warrant_decision=\"allow\"} [1-9]")
                .containsPattern("mcp_client_operation_duration_seconds_count\\{gen_ai_tool_name=\"read_note\",mcp_method_name=\"tools/call\",warrant_upstream=\"notes\"} [1-9]")
                .containsPattern("warrant_decisions_total\\{warrant_decision=\"allow\",warrant_reason=\"allowed\"} [1-9]")
                .containsPattern("warrant_authorization_duration_seconds_count\\{warrant_decision=\"allow\"} [1-9]")
                .contains("warrant_revocations 0")
                .contains("service_instance_id=\"" + memberId.get() + "\"");
    }

    private static McpSyncClient connect(String token) {
        URI mcp = gateway.mcpUrl();
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://" + mcp.getRawAuthority())
                        .endpoint(mcp.getRawPath())
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token)).build())
                .requestTimeout(Duration.ofSeconds(20)).build();
        client.initialize();
        return client;
    }

    private static String delegate(McpSyncClient client, Map<String, Object> args) {
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("warrant__delegate", args));
        assertThat(result.isError()).isFalse();
        return text(result).trim();
    }

    private static String text(McpSchema.CallToolResult result) {
        StringBuilder sb = new StringBuilder();
        result.content().forEach(c -> sb.append(c instanceof McpSchema.TextContent t ? t.text() : ""));
        return sb.toString();
    }

    private static List<ReceivedSpan> spans(String traceId, String kind) {
        return receiver.spans().stream().filter(s -> s.traceId().equals(traceId) && s.kind().equals(kind)).toList();
    }

    private static List<ReceivedSpan> toolCalls(String traceId) {
        return spans(traceId, "SERVER").stream().filter(s -> "tools/call".equals(s.attr("mcp.method.name"))).toList();
    }

    private static ReceivedSpan toolCall(String traceId, String name, String caller) {
        return toolCalls(traceId).stream().filter(s -> s.name().equals(name) && caller.equals(s.attr("warrant.caller")))
                .collect(single());
    }

    private static List<JsonObject> auditToolCalls(Path auditLog) throws Exception {
        if (!Files.exists(auditLog)) {
            return List.of();
        }
        return Files.readAllLines(auditLog).stream().map(JsonObject::new)
                .filter(r -> "tools/call".equals(r.getString("method"))).toList();
    }

    private static <T> java.util.stream.Collector<T, ?, T> single() {
        return java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), l -> {
            assertThat(l).hasSize(1);
            return l.get(0);
        });
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        b[0] |= 1; // never all zero
        return b;
    }
}
