package dev.warrant.gateway.cluster;

import dev.warrant.gateway.ProcessPorts;
import dev.warrant.gateway.cli.WarrantCli;
import io.vertx.core.json.JsonObject;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * Gateway members as separate JVMs ({@code warrant serve --config FILE}) on loopback, forming one Hazelcast
 * cluster by TCP-IP member list under a cluster name of their own.
 */
final class ClusterMembers implements AutoCloseable {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Path dir;
    private final Class<?> mainClass;
    private final Path publicKey;
    private final int[] httpPorts;
    private final int[] clusterPorts;
    private final Process[] processes;
    private final String clusterName = "warrant-it-" + UUID.randomUUID();
    /** YAML appended to every member's config (e.g. upstreams). */
    private String extraConfig = "";
    /** Small and quick to start, for tests; a measurement gives the JIT its full tiers. */
    private List<String> jvmOptions = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m");

    ClusterMembers(Path dir, Path publicKey, int count) throws IOException {
        this(dir, publicKey, count, WarrantCli.class);
    }

    /** @param mainClass {@link WarrantCli}, or {@link PartitionableMember} to drive partitions through stdin */
    ClusterMembers(Path dir, Path publicKey, int count, Class<?> mainClass) throws IOException {
        this.mainClass = mainClass;
        this.dir = dir;
        this.publicKey = publicKey;
        httpPorts = new int[count];
        clusterPorts = new int[count];
        processes = new Process[count];
        for (int i = 0; i < count; i++) {
            httpPorts[i] = ProcessPorts.freePort();
            clusterPorts[i] = ProcessPorts.freePort();
        }
    }

    /** Appends {@code yaml} to the config of every member started from now on. */
    ClusterMembers withConfig(String yaml) {
        extraConfig = yaml;
        return this;
    }

    /** The JVM options of every member started from now on (instead of the quick-start ones tests use). */
    ClusterMembers withJvmOptions(List<String> options) {
        jvmOptions = List.copyOf(options);
        return this;
    }

    /** CPU time the member's process has used so far (user + system). */
    Duration cpu(int i) {
        return processes[i].info().totalCpuDuration().orElseThrow(() -> new IllegalStateException("no CPU time for member " + i));
    }

    int httpPort(int i) {
        return httpPorts[i];
    }

    Path home(int i) {
        return dir.resolve("m" + i);
    }

    int size() {
        return processes.length;
    }

    URI base(int i) {
        return URI.create("http://127.0.0.1:" + httpPorts[i]);
    }

    /** Starts these members in parallel and waits until each serves and sees {@code expectedMembers}. */
    void start(String adminToken, int expectedMembers, int... which) throws Exception {
        for (int i : which) {
            processes[i] = launch(i);
        }
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        for (int i : which) {
            ready.add(CompletableFuture.runAsync(() -> awaitReady(i, adminToken, expectedMembers)));
        }
        CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    /** kill -9. */
    void kill(int i) throws InterruptedException {
        Process p = processes[i];
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A normal stop (SIGTERM: the serve command's shutdown hook closes the gateway). */
    void stop(int i) throws InterruptedException {
        Process p = processes[i];
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("member " + i + " did not stop within 30 s");
            }
        }
    }

    /** Sends a line to a member's stdin ({@link PartitionableMember}'s commands). */
    void command(int i, String line) throws IOException {
        var stdin = processes[i].getOutputStream();
        stdin.write((line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        stdin.flush();
    }

    void awaitMembers(int i, String adminToken, int expected) {
        awaitReady(i, adminToken, expected);
    }

    private Process launch(int i) throws IOException {
        Path home = Files.createDirectories(dir.resolve("m" + i));
        String members = java.util.Arrays.stream(clusterPorts).mapToObj(p -> "\"127.0.0.1:" + p + "\"")
                .collect(Collectors.joining(", "));
        Path config = home.resolve("warrant.yaml");
        Files.writeString(config, String.join("\n",
                "listen: { host: 127.0.0.1, port: " + httpPorts[i] + " }",
                "stateDir: " + home.resolve("state"),
                "keys:",
                "  - { publicKeyFile: " + publicKey + " }",
                "cluster: { name: " + clusterName + ", port: " + clusterPorts[i] + ", members: [" + members
                        + "], revokeTimeout: PT5S }",
                extraConfig,
                ""));
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        // The JDK access Hazelcast asks for, as the jar's manifest gives it (set by the parent pom).
        Arrays.stream(System.getProperty("warrant.jdkAccess", "").split(" ")).filter(a -> !a.isBlank()).forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName(), "serve", "--config",
                config.toString()));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("serve.log").toFile()))
                .start();
    }

    private void awaitReady(int i, String adminToken, int expected) {
        AtomicReference<String> last = new AtomicReference<>("no answer");
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (processes[i] != null && !processes[i].isAlive()) {
                    throw new IllegalStateException("member " + i + " exited with " + processes[i].exitValue() + ": "
                            + lastLine(home(i).resolve("serve.log")));
                }
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base(i) + "/admin/cluster"))
                            .header("Authorization", "Bearer " + adminToken).timeout(Duration.ofSeconds(5)).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    last.set(r.statusCode() + " " + r.body());
                    return r.statusCode() == 200 && new JsonObject(r.body()).getInteger("members") == expected;
                } catch (IOException notYet) {
                    last.set(notYet.toString());
                    return false;
                }
            });
        } catch (ConditionTimeoutException e) {
            // An IllegalStateException, as callers (SplitBrainTest) tell "not formed" from other failures by it.
            throw new IllegalStateException("member " + i + " not ready with " + expected + " members: " + last.get());
        }
    }

    /** The serve command's last word (its one-line error when it refuses to start). */
    private static String lastLine(Path log) {
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("(empty log)");
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = 0; i < processes.length; i++) {
            kill(i);
        }
    }
}
