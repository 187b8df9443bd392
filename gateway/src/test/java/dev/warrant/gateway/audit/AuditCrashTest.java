package dev.warrant.gateway.audit;

import dev.warrant.gateway.ProcessPorts;
import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.cli.WarrantCli;
import dev.warrant.gateway.demo.NotesServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit promise under a crash: a real {@code warrant serve} process answers a mix of allowed and denied
 * calls from several clients at once, is killed with SIGKILL the moment the last answer arrives, and the audit
 * file still holds one complete line for every call that was answered.
 */
class AuditCrashTest {

    private static final int ALLOWED = 24;
    private static final int DENIED = 16;

    @TempDir
    Path dir;


    @Test
    void everyAnsweredCallIsInTheAuditFileAfterKill9() throws Exception {
        SigningKey key = KeyFiles.loadOrCreate(dir.resolve("keys"));
        int port = ProcessPorts.freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        Path config = dir.resolve("warrant.yaml");
        Files.writeString(config, String.join("\n",
                "listen: { host: 127.0.0.1, port: " + port + " }",
                "stateDir: state",
                "keys:",
                "  - { publicKeyFile: keys/root.pub }",
                "cluster: { name: audit-crash-" + UUID.randomUUID() + ", port: " + ProcessPorts.freePort() + " }",
                "upstreams:",
                "  - name: notes",
                "    stdio:",
                "      command: " + java,
                "      args: [\"-cp\", \"${env:TEST_CLASSPATH}\", \"" + NotesServer.class.getName() + "\"]",
                "    timeout: PT20S",
                "audit: { file: state/audit.log }",
                ""));
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                WarrantCli.class.getName(), "serve", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("serve.log").toFile());
        pb.environment().put("TEST_CLASSPATH", System.getProperty("java.class.path"));
        Process serve = pb.start();
        int answeredAllowed = 0;
        int answeredDenied = 0;
        String token = null;
        List<String> tools = new ArrayList<>();
        try {
            ProcessPorts.awaitListening(port, serve, "warrant serve", Duration.ofSeconds(60));
            token = new Minter(key, Clock.systemUTC(), Duration.ofHours(24)).mint(MintSpec.builder("auditor-test")
                    .right("tool", "notes", "read_note").ttl(Duration.ofMinutes(10)).build());
            URI mcp = URI.create("http://127.0.0.1:" + port + "/mcp");
            RawSession session = RawSession.open(mcp, token, "crash-test");
            String bearer = token;

            ExecutorService clients = Executors.newFixedThreadPool(4);
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < ALLOWED + DENIED; i++) {
                tools.add(i < ALLOWED ? "notes__read_note" : "notes__write_note");
            }
            Collections.shuffle(tools, new Random(7));
            for (int i = 0; i < tools.size(); i++) {
                String tool = tools.get(i);
                int id = 100 + i;
                calls.add(clients.submit(() -> session.call(bearer, id, tool, "notes__read_note".equals(tool)
                        ? new JsonObject().put("path", "/notes/public/hello.md") : writeArguments(id))));
            }
            for (int i = 0; i < calls.size(); i++) {
                HttpResponse<String> answer = calls.get(i).get(60, TimeUnit.SECONDS);  // an HTTP answer arrived
                int status = answer.statusCode();
                if (tools.get(i).equals("notes__read_note")) {
                    assertThat(status).as("allowed call").isEqualTo(200);
                    assertThat(answer.body()).contains("Hello").doesNotContain("\"error\"");
                    answeredAllowed++;
                } else {
                    // Denied: HTTP 403, or a JSON-RPC error for a tool the caller may not even see.
                    assertThat(status).as("denied call").isIn(200, 403);
                    assertThat(answer.body()).contains("\"error\"");
                    answeredDenied++;
                }
            }
            clients.shutdownNow();
        } finally {
            serve.destroyForcibly();  // SIGKILL: no shutdown hook, no close(), no final flush
            assertThat(serve.waitFor(15, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(answeredAllowed).as("allowed calls answered").isEqualTo(ALLOWED);
        assertThat(answeredDenied).as("denied calls answered").isEqualTo(DENIED);

        List<JsonObject> calls = Files.readAllLines(dir.resolve("state/audit.log")).stream()
                .map(JsonObject::new)
                .filter(r -> "tools/call".equals(r.getString("method")))
                .toList();
        assertThat(calls.stream().filter(r -> "allow".equals(r.getString("decision"))
                && "notes__read_note".equals(r.getString("target")))).hasSize(ALLOWED);
        assertThat(calls.stream().filter(r -> "deny".equals(r.getString("decision"))
                && "notes__write_note".equals(r.getString("target")))).hasSize(DENIED)
                .allSatisfy(r -> {
                    assertThat(r.getString("caller")).isEqualTo("auditor-test");
                    assertThat(r.getString("reason")).isNotBlank();
                    assertThat(r.getString("traceId")).matches("[0-9a-f]{32}");
                });
        // The digest is SHA-256 of the arguments' JSON as sent, per call (one reused digest per thread must
        // not carry state from one call into the next).
        assertThat(calls.stream().filter(r -> "notes__read_note".equals(r.getString("target")))
                .map(r -> r.getString("argumentDigest")).distinct())
                .containsExactly(sha256(new JsonObject().put("path", "/notes/public/hello.md").encode()));
        List<String> writes = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            if (tools.get(i).equals("notes__write_note")) {
                writes.add(sha256(writeArguments(100 + i).encode()));
            }
        }
        assertThat(calls.stream().filter(r -> "notes__write_note".equals(r.getString("target")))
                .map(r -> r.getString("argumentDigest"))).containsExactlyInAnyOrderElementsOf(writes);
        // Never the token, never raw arguments (only their digest) unless configured.
        assertThat(Files.readString(dir.resolve("state/audit.log"))).doesNotContain(token.substring(0, 40))
                .doesNotContain("secret-").contains("\"argumentDigest\":\"sha256:");
    }

    private static JsonObject writeArguments(int id) {
        return new JsonObject().put("path", "/notes/public/x" + id + ".md").put("text", "secret-" + id);
    }

    private static String sha256(String text) throws Exception {
        return "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
