package dev.warrant.gateway.otel;

import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.Gateway;
import dev.warrant.gateway.JavaUpstreams;
import dev.warrant.gateway.ProcessPorts;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.demo.NotesServer;
import dev.warrant.gateway.otel.OtlpReceiver.ReceivedLog;
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
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 20's export, over real wires: a gateway configured only through the standard otel.* properties
 * ({@code OTEL_LOGS_EXPORTER=otlp}, OTLP/HTTP protobuf) sends every audit record as a log record to a receiver on
 * loopback that decodes the real protobuf. An allowed and a denied call arrive with the audit line's fields as
 * attributes, their severity, the record's time, and the trace id and span id of the call's SERVER span, which
 * the same receiver got on /v1/traces.
 */
class AuditLogExportTest {

    /** Audit line field -> log record attribute (docs/OBSERVABILITY.md); traceId is the record's trace context. */
    static final Map<String, String> AUDIT_FIELDS = Map.ofEntries(
            Map.entry("decision", "warrant.decision"), Map.entry("reason", "warrant.reason"),
            Map.entry("policy", "warrant.policy"), Map.entry("caller", "warrant.caller"),
            Map.entry("chain", "warrant.delegation.chain"), Map.entry("task", "warrant.task"),
            Map.entry("method", "mcp.method.name"), Map.entry("target", "warrant.target"),
            Map.entry("argumentDigest", "warrant.argument_digest"), Map.entry("riskTier", "warrant.risk_tier"),
            Map.entry("approvalId", "warrant.approval.id"), Map.entry("approver", "warrant.approval.approver"),
            Map.entry("approverReason", "warrant.approval.reason"),
            Map.entry("revocationIds", "warrant.revocation_ids"), Map.entry("sessionId", "mcp.session.id"),
            Map.entry("latencyMicros", "warrant.latency_us"), Map.entry("correlationId", "warrant.correlation_id"));

    static OtlpReceiver receiver;
    static Gateway gateway;
    static Path stateDir;
    static Minter minter;
    static final AtomicReference<String> memberId = new AtomicReference<>();

    @BeforeAll
    static void start() throws Exception {
        receiver = new OtlpReceiver();
        stateDir = Files.createTempDirectory("warrant-otel-logs-test");
        SigningKey rootKey = KeyFiles.loadOrCreate(stateDir);
        minter = new Minter(rootKey, Clock.systemUTC(), Duration.ofHours(24));
        GatewayConfig config = config(stateDir, rootKey);
        // What an operator sets as OTEL_* variables, as properties so the test JVM's environment is untouched.
        Map<String, String> otel = Map.of(
                "otel.traces.exporter", "otlp",
                "otel.logs.exporter", "otlp",
                "otel.exporter.otlp.protocol", "http/protobuf",
                "otel.exporter.otlp.endpoint", receiver.endpoint().toString(),
                "otel.bsp.schedule.delay", "50",
                "otel.blrp.schedule.delay", "50");
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
    void allowedAndDeniedCallsArriveAsLogRecordsWithTheAuditFieldsAndTheirSpan() throws Exception {
        String orchestrator = minter.mint(MintSpec.builder("orchestrator").right("tool", "notes", "read_note")
                .task("T-20").ttl(Duration.ofHours(1)).build());
        String reader = Delegator.attenuate(orchestrator, HopSpec.delegateTo("reader").tools("notes", "read_note")
                .argPathPrefix("path", "/notes/public/").build(), Clock.systemUTC());
        try (McpSyncClient client = connect(reader)) {
            assertThat(client.callTool(new McpSchema.CallToolRequest("notes__read_note",
                    Map.of("path", "/notes/public/hello.md"))).isError()).isFalse();
            assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("notes__read_note",
                    Map.of("path", "/notes/private/plan.md")))).isInstanceOf(McpError.class);
        }

        await().atMost(Duration.ofSeconds(15)).until(() -> toolCallLogs().size() == 2 && serverSpans().size() == 2);
        Path auditLog = stateDir.resolve("audit.log");
        List<JsonObject> lines = Files.readAllLines(auditLog).stream().map(JsonObject::new)
                .filter(l -> "tools/call".equals(l.getString("method"))).toList();
        assertThat(lines).hasSize(2);

        for (ReceivedLog log : toolCallLogs()) {
            JsonObject line = lines.stream().filter(l -> l.getString("decision").equals(log.attr("warrant.decision")))
                    .findFirst().orElseThrow(() -> new AssertionError("no audit line for " + log));
            // The same fields as the audit line, under their stable names (absent where the line has null or []).
            Map<String, Object> expected = new LinkedHashMap<>();
            AUDIT_FIELDS.forEach((field, attribute) -> {
                Object value = line.getValue(field);
                Object plain = value instanceof io.vertx.core.json.JsonArray a ? a.getList() : value;
                if (plain instanceof Integer i) {
                    plain = i.longValue();
                }
                if (plain != null && !(plain instanceof List<?> l && l.isEmpty())) {
                    expected.put(attribute, plain);
                }
            });
            assertThat(log.attributes()).containsExactlyInAnyOrderEntriesOf(expected)
                    .containsEntry("warrant.caller", "reader")
                    .containsEntry("warrant.delegation.chain", List.of("orchestrator", "reader"))
                    .containsEntry("warrant.task", "T-20")
                    .containsEntry("warrant.target", "notes__read_note")
                    .containsKey("warrant.argument_digest").containsKey("mcp.session.id");
            assertThat(log.attributes().values()).as("no token, no raw arguments")
                    .noneSatisfy(v -> assertThat(String.valueOf(v)).contains(reader))
                    .noneSatisfy(v -> assertThat(String.valueOf(v)).containsAnyOf("hello.md", "plan.md"));
            assertThat(log.eventName()).isEqualTo("warrant.audit");
            assertThat(log.scope()).isEqualTo("dev.warrant");
            assertThat(log.timeUnixNano()).isEqualTo(nanos(Instant.parse(line.getString("time"))));
            assertThat(log.resource()).containsEntry("service.name", "warrant")
                    .containsEntry("service.instance.id", memberId.get());

            // Its trace context is the call's SERVER span, as exported on /v1/traces, and the audit line's trace id.
            ReceivedSpan span = serverSpans().stream().filter(s -> s.spanId().equals(log.spanId())).findFirst()
                    .orElseThrow(() -> new AssertionError("no SERVER span " + log.spanId() + " for " + log));
            assertThat(log.traceId()).isEqualTo(span.traceId()).isEqualTo(line.getString("traceId"));
            assertThat(span.attr("warrant.decision")).isEqualTo(log.attr("warrant.decision"));
            assertThat(span.attr("warrant.reason")).isEqualTo(log.attr("warrant.reason"));
        }
        ReceivedLog allowed = single("allow");
        assertThat(allowed.severityNumber()).isEqualTo(9);
        assertThat(allowed.severityText()).isEqualTo("INFO");
        assertThat(allowed.attr("warrant.reason")).isEqualTo("allowed");
        assertThat(allowed.body()).isEqualTo("allow tools/call notes__read_note: allowed");
        ReceivedLog denied = single("deny");
        assertThat(denied.severityNumber()).isEqualTo(13);
        assertThat(denied.severityText()).isEqualTo("WARN");
        assertThat(denied.attr("warrant.reason")).isEqualTo("constraint_failed");
        assertThat(denied.body()).isEqualTo("deny tools/call notes__read_note: constraint_failed");
        assertThat(denied.traceId()).isNotEqualTo(allowed.traceId());
    }

    @Test
    void anUnreachableCollectorCostsNeitherTheAnswerNorTheAuditLine() throws Exception {
        Path dir = Files.createTempDirectory("warrant-otel-logs-down");
        SigningKey key = KeyFiles.loadOrCreate(dir);
        // Nothing listens there: every export fails on the SDK's thread, and keeps failing.
        Map<String, String> otel = Map.of(
                "otel.logs.exporter", "otlp",
                "otel.exporter.otlp.protocol", "http/protobuf",
                "otel.exporter.otlp.endpoint", "http://127.0.0.1:" + ProcessPorts.freePort(),
                "otel.blrp.schedule.delay", "10");
        try (Gateway down = Gateway.start(config(dir, key), member -> Telemetry.autoConfigured(member, otel),
                Clock.systemUTC())) {
            String token = new Minter(key, Clock.systemUTC(), Duration.ofHours(1)).mint(MintSpec.builder("ops")
                    .right("tool", "notes", "read_note").ttl(Duration.ofHours(1)).build());
            try (McpSyncClient client = connect(down.mcpUrl(), token)) {
                for (int i = 0; i < 3; i++) {
                    assertThat(client.callTool(new McpSchema.CallToolRequest("notes__read_note",
                            Map.of("path", "/notes/public/hello.md"))).isError()).isFalse();
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.readAllLines(dir.resolve("audit.log")).stream()
                    .map(JsonObject::new).filter(l -> "tools/call".equals(l.getString("method"))
                            && "allow".equals(l.getString("decision"))).count() == 3);
        }
    }

    private static GatewayConfig config(Path stateDir, SigningKey rootKey) throws Exception {
        return GatewayConfig.builder()
                .host("127.0.0.1").port(0).stateDir(stateDir)
                .rootKeys(List.of(rootKey.publicKey()))
                .clusterName("warrant-otel-logs-" + UUID.randomUUID())
                .clusterPort(ProcessPorts.freePort())
                .upstreams(List.of(new GatewayConfig.Upstream(JavaUpstreams.stdio("notes", NotesServer.class,
                        List.of("--state-dir", stateDir.toString()), Map.of(), Duration.ofSeconds(20)), Map.of())))
                .build();
    }

    private static List<ReceivedLog> toolCallLogs() {
        return receiver.logs().stream().filter(l -> "tools/call".equals(l.attr("mcp.method.name"))).toList();
    }

    private static List<ReceivedSpan> serverSpans() {
        return receiver.spans().stream().filter(s -> s.kind().equals("SERVER")
                && "tools/call".equals(s.attr("mcp.method.name"))).toList();
    }

    private static ReceivedLog single(String decision) {
        List<ReceivedLog> found = toolCallLogs().stream().filter(l -> decision.equals(l.attr("warrant.decision"))).toList();
        assertThat(found).as(decision + " log records").hasSize(1);
        return found.get(0);
    }

    private static long nanos(Instant t) {
        return TimeUnit.SECONDS.toNanos(t.getEpochSecond()) + t.getNano();
    }

    private static McpSyncClient connect(String token) {
        return connect(gateway.mcpUrl(), token);
    }

    private static McpSyncClient connect(URI mcp, String token) {
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://" + mcp.getRawAuthority())
                        .endpoint(mcp.getRawPath())
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token)).build())
                .requestTimeout(Duration.ofSeconds(20)).build();
        client.initialize();
        return client;
    }
}
