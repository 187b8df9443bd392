package dev.warrant.gateway;

import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.cli.WarrantCli;
import dev.warrant.gateway.demo.NotesServer;
import io.modelcontextprotocol.client.McpSyncClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code warrant serve --config FILE} as an operator runs it: a separate JVM reading YAML with a stdio and a
 * Streamable HTTP upstream, serving agents; and a broken config fails with one line and exit code 2.
 */
class ServeProcessTest {

    @TempDir
    Path dir;

    @Test
    void servesFromAYamlConfigWithStdioAndHttpUpstreams() throws Exception {
        SigningKey key = KeyFiles.loadOrCreate(dir.resolve("keys"));
        int port = ProcessPorts.freePort();
        try (NodeProcess everything = NodeProcess.everythingHttp()) {
            String java = ProcessHandle.current().info().command().orElse("java");
            Path config = dir.resolve("warrant.yaml");
            Files.writeString(config, String.join("\n",
                    "listen: { host: 127.0.0.1, port: " + port + " }",
                    "stateDir: state",
                    "keys:",
                    "  - { publicKeyFile: keys/root.pub }",
                    "cluster: { name: serve-test-" + UUID.randomUUID() + ", port: " + ProcessPorts.freePort() + " }",
                    "upstreams:",
                    "  - name: notes",
                    "    stdio:",
                    "      command: " + java,
                    "      args: [\"-cp\", \"${env:TEST_CLASSPATH}\", \"" + NotesServer.class.getName() + "\"]",
                    "    timeout: PT20S",
                    "  - name: everything",
                    "    http: { url: \"http://127.0.0.1:" + everything.port + "/mcp\" }",
                    ""));
            ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    WarrantCli.class.getName(), "serve", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("serve.log").toFile());
            pb.environment().put("TEST_CLASSPATH", System.getProperty("java.class.path"));
            Process serve = pb.start();
            try {
                ProcessPorts.awaitListening(port, serve, "warrant serve", Duration.ofSeconds(60));
                String token = new Minter(key, Clock.systemUTC(), Duration.ofHours(24)).mint(MintSpec.builder("ops")
                        .right("tool", "notes", "read_note").right("tool", "everything", "echo")
                        .ttl(Duration.ofMinutes(10)).build());
                try (McpSyncClient client = Agents.connect(URI.create("http://127.0.0.1:" + port + "/mcp"), token)) {
                    assertThat(Agents.upstreamToolNames(client)).containsExactlyInAnyOrder("notes__read_note", "everything__echo");
                    assertThat(Agents.text(Agents.call(client, "notes__read_note", Map.of("path", "/notes/public/hello.md"))))
                            .contains("Hello");
                    assertThat(Agents.text(Agents.call(client, "everything__echo", Map.of("message", "via yaml"))))
                            .contains("via yaml");
                }
                assertThat(Files.readAllLines(dir.resolve("state/audit.log")))
                        .anySatisfy(line -> assertThat(line).contains("\"decision\":\"allow\"").contains("notes__read_note"));
            } finally {
                serve.destroy();
                if (!serve.waitFor(15, TimeUnit.SECONDS)) {
                    serve.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    @Test
    void aBrokenConfigIsOneLineAndExitCode2() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "listen: { host: 127.0.0.1, prot: 8080 }\n");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                WarrantCli.class.getName(), "serve", "--config", config.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(output.lines().toList()).hasSize(1);
        assertThat(output).startsWith("warrant: listen.prot: unknown setting");
    }

}
