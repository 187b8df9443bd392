package dev.warrant.gateway.audit;

import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.ProcessPorts;
import dev.warrant.gateway.cli.WarrantCli;
import dev.warrant.gateway.demo.NotesServer;
import dev.warrant.gateway.record.AuditFiles;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chain as an operator meets it: a real {@code warrant serve} writes the log under a burst of calls from
 * several clients, and a real {@code warrant audit verify} process checks it, names each line edited, removed,
 * swapped or truncated in copies of it, and verifies what a {@code kill -9} left up to its unsealed tail.
 */
class AuditChainProcessTest {

    @TempDir
    Path dir;

    private final String java = ProcessHandle.current().info().command().orElse("java");
    private SigningKey rootKey;
    private int port;

    record Verified(int code, String out) {
    }

    @Test
    void aServedLogVerifiesAndEveryTamperingIsNamedByLine() throws Exception {
        Process serve = serve("checkpointEvery: 20");
        try {
            burst(serve, 60, null);
        } finally {
            stop(serve);
        }
        Path live = dir.resolve("state/audit.log");
        List<String> lines = Files.readAllLines(live, StandardCharsets.UTF_8);
        assertThat(lines).hasSizeGreaterThan(60).last().matches(AuditFiles::isCheckpoint, "sealed at shutdown");
        Verified ok = verify("--sealed", live.toString());
        assertThat(ok.code()).as(ok.out()).isZero();
        assertThat(ok.out()).contains(lines.size() + " lines verified").endsWith("intact\n").doesNotContain("warning");

        Path pub = dir.resolve("state/audit.pub");
        String member = Files.readString(dir.resolve("state/audit.member")).trim();
        int call = firstDeny(lines);
        List<String> edited = new ArrayList<>(lines);
        edited.set(call, edited.get(call).replace("\"decision\":\"deny\"", "\"decision\":\"allow\""));
        assertNamed(copy("edited", edited), pub, member, call + 1, "line_edited");

        List<String> removed = new ArrayList<>(lines);
        removed.remove(30);
        assertNamed(copy("removed", removed), pub, member, 31, "line_missing");

        List<String> swapped = new ArrayList<>(lines);
        Collections.swap(swapped, 40, 41);
        assertNamed(copy("swapped", swapped), pub, member, 41, "line_reordered");

        // Truncated past the last checkpoint: what is left is intact but not sealed.
        int lastCheckpoint = lines.size() - 1;
        int previous = lastCheckpoint - 1;
        while (!AuditFiles.isCheckpoint(lines.get(previous))) {
            previous--;
        }
        Path truncated = copy("truncated", lines.subList(0, lastCheckpoint));
        int tail = lastCheckpoint - previous - 1;
        Verified warned = verify("--member", member, "--key-file", pub.toString(), truncated.toString());
        assertThat(warned.code()).as(warned.out()).isZero();
        assertThat(warned.out()).contains(tail + " line" + (tail == 1 ? "" : "s") + " not yet sealed");
        assertNamed(truncated, pub, member, previous + 2, "lines_unsealed", "--sealed");
    }

    @Test
    void aKill9MidWriteLeavesALogThatVerifiesUpToItsUnsealedTailAndARestartSealsIt() throws Exception {
        Process serve = serve("checkpointEvery: 25, checkpointInterval: PT1H");
        Path live = dir.resolve("state/audit.log");
        try {
            // Killed while the clients are still calling: the last batch may be cut anywhere.
            burst(serve, 400, () -> Files.exists(live) && Files.readAllLines(live).size() >= 120);
        } finally {
            serve.destroyForcibly();
            assertThat(serve.waitFor(15, TimeUnit.SECONDS)).isTrue();
        }
        byte[] bytes = Files.readAllBytes(live);
        List<String> complete = new ArrayList<>(List.of(new String(bytes, StandardCharsets.UTF_8).split("\n", -1)));
        complete.remove(complete.size() - 1);  // what follows the last line feed: empty or a partial line
        int unsealed = 0;
        for (int i = complete.size() - 1; i >= 0 && !AuditFiles.isCheckpoint(complete.get(i)); i--) {
            unsealed++;
        }
        Verified v = verify(live.toString());
        assertThat(v.code()).as(v.out()).isZero();
        if (unsealed > 0) {
            assertThat(v.out()).contains(unsealed + " line" + (unsealed == 1 ? "" : "s") + " not yet sealed");
            Verified sealed = verify("--sealed", live.toString());
            assertThat(sealed.code()).as(sealed.out()).isEqualTo(1);
            assertThat(sealed.out()).contains(live + ":" + (complete.size() - unsealed + 1) + ": lines_unsealed: ");
        } else {
            assertThat(v.out()).doesNotContain("not yet sealed");
        }

        // The member restarts on the same state dir: it continues the chain and seals the crash's tail.
        Process again = serve("checkpointEvery: 25, checkpointInterval: PT1H");
        try {
            burst(again, 4, null);
        } finally {
            stop(again);
        }
        Verified all = verify("--sealed", live.toString());
        assertThat(all.code()).as(all.out()).isZero();
        assertThat(all.out()).endsWith("intact\n");
    }

    @Test
    void aMemberWhoseAuditKeyIsUnreadableRefusesToStartWithOneLine() throws Exception {
        Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("state/audit.key"), "corrupt\n");
        Path config = config("");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                WarrantCli.class.getName(), "serve", "--config", config.toString()).redirectErrorStream(true);
        pb.environment().put("TEST_CLASSPATH", System.getProperty("java.class.path"));
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(output.lines().toList()).as(output).hasSize(1);
        assertThat(output).startsWith("warrant: audit key: ").contains("audit.key");
    }

    private void assertNamed(Path copy, Path pub, String member, int line, String reason, String... more)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(more));
        args.addAll(List.of("--member", member, "--key-file", pub.toString(), copy.toString()));
        Verified v = verify(args.toArray(String[]::new));
        assertThat(v.code()).as(v.out()).isEqualTo(1);
        assertThat(v.out().lines().filter(l -> l.startsWith(copy + ":")).toList()).as(v.out())
                .singleElement().asString().startsWith(copy + ":" + line + ": " + reason + ": ");
    }

    private static int firstDeny(List<String> lines) {
        for (int i = 5; i < lines.size(); i++) {
            if (lines.get(i).contains("\"decision\":\"deny\"")) {
                return i;
            }
        }
        throw new AssertionError("no denial in the log");
    }

    private Path copy(String name, List<String> lines) throws Exception {
        Path copy = Files.createDirectories(dir.resolve("copies")).resolve(name + ".log");
        Files.writeString(copy, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return copy;
    }

    /** {@code warrant audit verify ARGS} as its own process. */
    private Verified verify(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                WarrantCli.class.getName(), "audit", "verify"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).doesNotContain("Exception").doesNotContain("\tat ");
        return new Verified(p.exitValue(), out);
    }

    private Path config(String audit) throws Exception {
        if (rootKey == null) {
            rootKey = KeyFiles.loadOrCreate(dir.resolve("keys"));
        }
        port = ProcessPorts.freePort();
        Path config = dir.resolve("warrant.yaml");
        Files.writeString(config, String.join("\n",
                "listen: { host: 127.0.0.1, port: " + port + " }",
                "stateDir: state",
                "keys:",
                "  - { publicKeyFile: keys/root.pub }",
                "cluster: { name: audit-chain-" + UUID.randomUUID() + ", port: " + ProcessPorts.freePort() + " }",
                "upstreams:",
                "  - name: notes",
                "    stdio:",
                "      command: " + java,
                "      args: [\"-cp\", \"${env:TEST_CLASSPATH}\", \"" + NotesServer.class.getName() + "\"]",
                "    timeout: PT20S",
                "audit: { file: state/audit.log" + (audit.isEmpty() ? "" : ", " + audit) + " }",
                ""));
        return config;
    }

    private Process serve(String audit) throws Exception {
        Path config = config(audit);
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                WarrantCli.class.getName(), "serve", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("serve.log").toFile()));
        pb.environment().put("TEST_CLASSPATH", System.getProperty("java.class.path"));
        Process serve = pb.start();
        ProcessPorts.awaitListening(port, serve, "warrant serve", Duration.ofSeconds(60));
        return serve;
    }

    private static void stop(Process serve) throws Exception {
        serve.destroy();  // SIGTERM: the shutdown hook closes the log, which seals it
        if (!serve.waitFor(30, TimeUnit.SECONDS)) {
            serve.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("warrant serve did not stop on SIGTERM");
        }
    }

    interface Condition {
        boolean met() throws Exception;
    }

    /**
     * {@code calls} calls, every third denied, from 4 clients; with {@code killWhen}, returns as soon as it holds
     * (the calls still in flight), else after every answer.
     */
    private void burst(Process serve, int calls, Condition killWhen) throws Exception {
        String token = new Minter(rootKey, Clock.systemUTC(), Duration.ofHours(24)).mint(MintSpec.builder("chain-test")
                .right("tool", "notes", "read_note").ttl(Duration.ofMinutes(10)).build());
        URI mcp = URI.create("http://127.0.0.1:" + port + "/mcp");
        RawSession session = RawSession.open(mcp, token, "chain-test");
        ExecutorService clients = Executors.newFixedThreadPool(4);
        AtomicBoolean stopping = new AtomicBoolean();
        try {
            List<Future<?>> answers = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                String tool = i % 3 == 0 ? "notes__write_note" : "notes__read_note";
                int id = 100 + i;
                answers.add(clients.submit(() -> stopping.get() ? null : session.call(id, tool, arguments(id, tool))));
            }
            if (killWhen != null) {
                await("the log to grow").atMost(Duration.ofSeconds(60)).until(killWhen::met);
                stopping.set(true);
                return;
            }
            for (Future<?> f : answers) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    private static JsonObject arguments(int id, String tool) {
        return "notes__read_note".equals(tool) ? new JsonObject().put("path", "/notes/public/hello.md")
                : new JsonObject().put("path", "/notes/public/x" + id + ".md").put("text", "t" + id);
    }
}
