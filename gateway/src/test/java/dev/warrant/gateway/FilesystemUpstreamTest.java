package dev.warrant.gateway;

import static dev.warrant.gateway.EndToEndTest.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warrant.adapters.StdioUpstreamSpec;
import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.MintSpec;
import dev.warrant.gateway.config.GatewayConfig;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * npm {@code @modelcontextprotocol/server-filesystem} as a supervised stdio upstream behind the gateway,
 * called by the Java SDK client: listing and reading inside the delegated path, denial outside it (by the
 * token, even where the server itself would serve the file), and a SIGKILLed server coming back.
 */
@Timeout(120)
class FilesystemUpstreamTest {

    static Path root;
    static TestGateway gw;
    static String owner;
    static String reader;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("warrant-fs").toRealPath();
        Files.createDirectories(root.resolve("docs/sub"));
        Files.writeString(root.resolve("docs/readme.txt"), "public words");
        Files.writeString(root.resolve("docs/sub/note.txt"), "a note");
        Files.writeString(root.resolve("private.txt"), "private words");
        Path server = NodeProcess.nodeTools()
                .resolve("node_modules/@modelcontextprotocol/server-filesystem/dist/index.js");
        StdioUpstreamSpec fs = new StdioUpstreamSpec("fs", node(), List.of(server.toString(), root.toString()),
                Map.of(), Duration.ofSeconds(20), 8);
        gw = new TestGateway(null, null,
                b -> b.upstreams(List.of(new GatewayConfig.Upstream(fs, Map.of()))));
        owner = gw.minter.mint(MintSpec.builder("owner")
                .right("tool", "fs", "list_directory")
                .right("tool", "fs", "read_file")
                .ttl(Duration.ofHours(1)).build());
        reader = Delegator.attenuate(owner, HopSpec.delegateTo("reader")
                .tools("fs", "list_directory", "read_file")
                .argPathPrefix("path", root.resolve("docs") + "/")
                .ttl(Duration.ofMinutes(15)).build(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void readerListsAndReadsInsideTheDelegatedPath() {
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), reader)) {
            assertThat(Agents.upstreamToolNames(client)).containsExactlyInAnyOrder("fs__list_directory", "fs__read_file");
            String listing = Agents.text(Agents.call(client, "fs__list_directory",
                    Map.of("path", root.resolve("docs/sub").toString())));
            assertThat(listing).contains("[FILE] note.txt");
            assertThat(Agents.text(Agents.call(client, "fs__read_file",
                    Map.of("path", root.resolve("docs/readme.txt").toString())))).isEqualTo("public words");
        }
    }

    @Test
    void readerIsDeniedOutsideThePathThatTheServerItselfWouldServe() {
        try (McpSyncClient owned = Agents.connect(gw.mcpUrl(), owner)) {
            // The server allows the whole root: only the token's constraint stands between reader and this file.
            assertThat(Agents.text(Agents.call(owned, "fs__read_file",
                    Map.of("path", root.resolve("private.txt").toString())))).isEqualTo("private words");
        }
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), reader)) {
            for (String path : new String[] {root.resolve("private.txt").toString(),
                    root.resolve("docs") + "/../private.txt", "/etc/passwd"}) {
                assertThatThrownBy(() -> Agents.call(client, "fs__read_file", Map.of("path", path)))
                        .as(path)
                        .isInstanceOfSatisfying(McpError.class,
                                e -> assertThat(reason(e)).isEqualTo("constraint_failed"));
            }
        }
    }

    @Test
    void aKilledServerAnswersUnavailableThenComesBackBehindTheGateway() throws Exception {
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), owner)) {
            ProcessHandle server = ProcessHandle.current().descendants()
                    .filter(p -> p.isAlive() && p.info().commandLine().orElse("").contains(root.toString()))
                    .findFirst().orElseThrow();
            server.destroyForcibly();
            server.onExit().get(10, TimeUnit.SECONDS);
            await("the adapter saw the end of stdout").atMost(Duration.ofSeconds(10))
                    .until(() -> !gw.gateway.upstreams().upstream("fs").isOpen());
            assertThatThrownBy(() -> Agents.call(client, "fs__read_file",
                    Map.of("path", root.resolve("docs/readme.txt").toString())))
                    .isInstanceOfSatisfying(McpError.class,
                            e -> assertThat(reason(e)).isEqualTo("upstream_unavailable"));

            await("fs restarted").atMost(Duration.ofSeconds(30)).until(() -> gw.gateway.upstreams().upstream("fs").isOpen());
            assertThat(Agents.text(Agents.call(client, "fs__read_file",
                    Map.of("path", root.resolve("docs/readme.txt").toString())))).isEqualTo("public words");
            assertThat(Agents.upstreamToolNames(client)).contains("fs__read_file", "fs__list_directory");
        }
    }

    /** node as an absolute path: the stdio child gets only PATH and HOME. */
    static String node() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "node");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("node not found on PATH");
    }
}
