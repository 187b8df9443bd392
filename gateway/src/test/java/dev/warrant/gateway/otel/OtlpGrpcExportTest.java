package dev.warrant.gateway.otel;

import dev.warrant.gateway.ProcessPorts;
import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.cli.WarrantCli;
import dev.warrant.gateway.demo.NotesServer;
import dev.warrant.gateway.otel.OtlpReceiver.ReceivedLog;
import dev.warrant.gateway.otel.OtlpReceiver.ReceivedSpan;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * OTLP over gRPC, as an operator selects it: {@code warrant serve} in its own JVM with nothing but the standard
 * {@code OTEL_*} environment variables ({@code OTEL_EXPORTER_OTLP_PROTOCOL=grpc}), exporting to a gRPC receiver
 * on loopback that decodes the real protobuf. Proves the process classpath carries a working gRPC sender (the
 * SDK's OkHttp sender speaking HTTP/2 with prior knowledge) and that the spans of a tools/call arrive whole, and
 * with {@code OTEL_LOGS_EXPORTER=otlp} its audit record as a log record in the same trace.
 */
class OtlpGrpcExportTest {

    @TempDir
    Path dir;

    @Test
    void toolsCallSpansArriveOverOtlpGrpcFromEnvironmentVariables() throws Exception {
        SigningKey key = KeyFiles.loadOrCreate(dir.resolve("keys"));
        int port = ProcessPorts.freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        Path config = dir.resolve("warrant.yaml");
        Files.writeString(config, String.join("\n",
                "listen: { host: 127.0.0.1, port: " + port + " }",
                "stateDir: state",
                "keys:",
                "  - { publicKeyFile: keys/root.pub }",
                "cluster: { name: grpc-otel-" + UUID.randomUUID() + ", port: " + ProcessPorts.freePort() + " }",
                "upstreams:",
                "  - name: notes",
                "    stdio:",
                "      command: " + java,
                "      args: [\"-XX:+UseSerialGC\", \"-XX:TieredStopAtLevel=1\", \"-cp\", \"${env:TEST_CLASSPATH}\", \""
                        + NotesServer.class.getName() + "\"]",
                "    timeout: PT20S",
                ""));
        try (OtlpGrpcReceiver receiver = new OtlpGrpcReceiver()) {
            ProcessBuilder pb = new ProcessBuilder(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), WarrantCli.class.getName(), "serve", "--config",
                    config.toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("serve.log").toFile());
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.startsWith("OTEL_"));
            env.put("OTEL_TRACES_EXPORTER", "otlp");
            env.put("OTEL_LOGS_EXPORTER", "otlp");
            env.put("OTEL_BLRP_SCHEDULE_DELAY", "50");
            env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
            env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint().toString());
            env.put("OTEL_BSP_SCHEDULE_DELAY", "50");
            env.put("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=grpc-test");
            env.put("TEST_CLASSPATH", System.getProperty("java.class.path"));
            Process serve = pb.start();
            try {
                URI base = URI.create("http://127.0.0.1:" + port);
                awaitServing(base, serve);
                String token = new Minter(key, Clock.systemUTC(), Duration.ofHours(24)).mint(MintSpec.builder("ops")
                        .right("tool", "notes", "read_note").ttl(Duration.ofMinutes(10)).build());

                HexFormat hex = HexFormat.of();
                Random random = new Random();
                String traceId = hex.formatHex(nonZero(random, 16));
                String callerSpan = hex.formatHex(nonZero(random, 8));
                try (McpSyncClient client = connect(base, token, "00-" + traceId + "-" + callerSpan + "-01")) {
                    McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("notes__read_note",
                            Map.of("path", "/notes/public/hello.md")));
                    assertThat(result.isError()).isFalse();
                }

                await().atMost(Duration.ofSeconds(15)).until(() -> inTrace(receiver, traceId).stream()
                        .map(ReceivedSpan::name).toList().containsAll(List.of(
                                "tools/call notes__read_note", "authorize", "tools/call read_note")));
                List<ReceivedSpan> trace = inTrace(receiver, traceId);
                ReceivedSpan server = single(trace, "tools/call notes__read_note", "SERVER");
                ReceivedSpan authorize = single(trace, "authorize", "INTERNAL");
                ReceivedSpan upstream = single(trace, "tools/call read_note", "CLIENT");
                assertThat(server.parentSpanId()).as("parent = the caller's traceparent header").isEqualTo(callerSpan);
                assertThat(authorize.parentSpanId()).isEqualTo(server.spanId());
                assertThat(upstream.parentSpanId()).isEqualTo(server.spanId());
                assertThat(server.attributes()).containsEntry("mcp.method.name", "tools/call")
                        .containsEntry("gen_ai.tool.name", "notes__read_note")
                        .containsEntry("warrant.caller", "ops").containsEntry("warrant.decision", "allow");
                assertThat(upstream.attributes()).containsEntry("warrant.upstream", "notes")
                        .containsEntry("network.transport", "pipe");

                String memberId = serviceInstanceId(base);
                assertThat(trace).allSatisfy(s -> assertThat(s.resource())
                        .containsEntry("service.name", "warrant")
                        .containsEntry("service.instance.id", memberId)
                        .containsEntry("deployment.environment", "grpc-test"));

                // The call's audit record, as a log record whose trace context is the SERVER span (the client's
                // traceparent puts every request of the session in this trace; the tools/call is the one).
                await().atMost(Duration.ofSeconds(15)).until(() -> !toolCallLogs(receiver, traceId).isEmpty());
                List<ReceivedLog> logs = toolCallLogs(receiver, traceId);
                assertThat(logs).singleElement().satisfies(log -> {
                    assertThat(log.spanId()).isEqualTo(server.spanId());
                    assertThat(log.eventName()).isEqualTo("warrant.audit");
                    assertThat(log.severityText()).isEqualTo("INFO");
                    assertThat(log.attributes()).containsEntry("warrant.decision", "allow")
                            .containsEntry("warrant.caller", "ops").containsEntry("warrant.target", "notes__read_note")
                            .containsEntry("mcp.method.name", "tools/call");
                    assertThat(log.resource()).containsEntry("service.instance.id", memberId);
                });
                assertThat(receiver.requests()).isNotEmpty().allSatisfy(r -> assertThat(r).isIn(
                        "HTTP_2 POST " + OtlpGrpcReceiver.EXPORT_PATH + " application/grpc trailers",
                        "HTTP_2 POST " + OtlpGrpcReceiver.LOGS_EXPORT_PATH + " application/grpc trailers"));
            } finally {
                serve.destroy();
                if (!serve.waitFor(15, TimeUnit.SECONDS)) {
                    serve.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static List<ReceivedSpan> inTrace(OtlpGrpcReceiver receiver, String traceId) {
        return receiver.spans().stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    private static List<ReceivedLog> toolCallLogs(OtlpGrpcReceiver receiver, String traceId) {
        return receiver.logs().stream()
                .filter(l -> traceId.equals(l.traceId()) && "tools/call".equals(l.attr("mcp.method.name"))).toList();
    }

    private static ReceivedSpan single(List<ReceivedSpan> spans, String name, String kind) {
        List<ReceivedSpan> found = spans.stream().filter(s -> s.name().equals(name) && s.kind().equals(kind)).toList();
        assertThat(found).as(kind + " span " + name).hasSize(1);
        return found.get(0);
    }

    /** The member id the process exports as service.instance.id, read independently from its /metrics target_info. */
    private static String serviceInstanceId(URI base) throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/metrics")).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("target_info\\{[^}]*service_instance_id=\"([^\"]+)\"").matcher(metrics.body());
        assertThat(m.find()).as("target_info with service_instance_id in /metrics").isTrue();
        return m.group(1);
    }

    private static McpSyncClient connect(URI base, String token, String traceparent) {
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(base.toString())
                        .endpoint("/mcp")
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token)
                                .header("traceparent", traceparent)).build())
                .requestTimeout(Duration.ofSeconds(20)).build();
        client.initialize();
        return client;
    }

    private static void awaitServing(URI base, Process serve) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        await("warrant serve answering on " + base).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!serve.isAlive()) {
                        throw new IllegalStateException("warrant serve exited with " + serve.exitValue());
                    }
                    try {
                        return http.send(HttpRequest.newBuilder(base.resolve("/metrics")).timeout(Duration.ofSeconds(30)).GET().build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                    } catch (IOException notYet) {
                        return false;
                    }
                });
    }

    private static byte[] nonZero(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        b[0] |= 1;
        return b;
    }
}
