package dev.warrant.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warrant.delegation.SigningKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The image this build makes starts Warrant. No container runtime runs here, so the test does what one would: it
 * applies the image's layers onto an empty directory and runs the image's entrypoint and command there, with the
 * image's environment and working directory, every absolute path read inside that directory. The program is started
 * through the image's own dynamic loader with the image's own library directory, and once it serves, every shared
 * library the process has mapped must come from the image: the runtime needs nothing of this machine's.
 */
class ImageRunTest {

    private Process warrant;
    /** Ends Warrant should this test JVM itself be stopped (e.g. SIGTERM to the fork) before {@link #stop}. */
    private final Thread orphanGuard = new Thread(this::kill, "image-run-test-guard");

    @AfterEach
    void stop() throws InterruptedException {
        if (warrant != null) {
            kill();
            warrant.waitFor(30, TimeUnit.SECONDS);
            Runtime.getRuntime().removeShutdownHook(orphanGuard);
        }
    }

    private void kill() {
        warrant.descendants().forEach(ProcessHandle::destroyForcibly);
        warrant.destroyForcibly();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theEntrypointServesFromTheImageAloneAnswersTheProbesAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectory(dir.resolve("root"));
        ImageTarball image = ImageTarball.unpack(ImageTarball.built(), Files.createDirectory(dir.resolve("tar")));
        image.extractLayers(root);

        // What Kubernetes would mount (deploy/): the config file the image's command names, and a root public key.
        int port = freePort();
        int clusterPort = freePort();
        while (clusterPort == port) { // the kernel may give the same free port twice in a row
            clusterPort = freePort();
        }
        Path key = root.resolve("etc/warrant/keys/root.pub");
        Files.createDirectories(key.getParent());
        Files.writeString(key, SigningKey.generate("root").publicKey().hex());
        Path config = inRoot(root, image.configFile());
        Files.createDirectories(config.getParent());
        Files.writeString(config, """
                listen: { host: 127.0.0.1, port: %d }
                stateDir: %s
                keys: [ { publicKeyFile: %s } ]
                cluster: { name: image-test-%s, port: %d }
                """.formatted(port, inRoot(root, image.workingDir()), key, UUID.randomUUID(), clusterPort));

        List<String> command = new ArrayList<>();
        command.add(loader(root).toString());
        command.add("--inhibit-cache"); // not this machine's ld.so.cache: the image's directories only
        command.add("--library-path");
        command.add(root.resolve("lib/x86_64-linux-gnu").toString());
        for (String arg : concat(image.entrypoint(), image.cmd())) {
            command.add(rewrite(root, arg, dir));
        }
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(inRoot(root, image.workingDir()).toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("warrant.out").toFile());
        pb.environment().clear();
        for (String e : image.env()) {
            int eq = e.indexOf('=');
            pb.environment().put(e.substring(0, eq), rewrite(root, e.substring(eq + 1), dir));
        }
        warrant = pb.start();
        Runtime.getRuntime().addShutdownHook(orphanGuard);

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        await("GET /healthz answers 200").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> status(http, port, "/healthz", dir) == 200);
        // Every path the pod's probes ask for (deploy/statefulset.yaml) answers 200 once the member is up.
        for (String path : probePaths()) {
            await("GET " + path + " (a probe in deploy/) answers 200").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250)).until(() -> status(http, port, path, dir) == 200);
        }

        Set<String> libraries = mappedLibraries(warrant.pid());
        assertThat(libraries).as("shared libraries of the running process").anyMatch(l -> l.endsWith("/libjvm.so"));
        assertThat(libraries).as("shared libraries of the running process")
                .allMatch(l -> l.startsWith(root + "/"), "inside the image");

        // A pod is stopped with SIGTERM: the member shuts down by itself.
        warrant.destroy();
        assertThat(warrant.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
    }

    /** The image's dynamic loader (the interpreter its executables name). */
    private static Path loader(Path root) throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("lib64"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("ld-linux")).findFirst()
                    .orElseThrow(() -> new AssertionError("no dynamic loader in the image's /lib64"));
        }
    }

    /**
     * An argument or environment value with the image's absolute paths moved into {@code root}: a path itself, a
     * colon-separated list of them (PATH), or an {@code @argfile} (the class path file), which is rewritten too.
     */
    private static String rewrite(Path root, String value, Path scratch) throws IOException {
        if (value.startsWith("@/")) {
            Path argFile = inRoot(root, value.substring(1));
            Path copy = Files.createTempFile(scratch, "argfile", "");
            Files.writeString(copy, rewrite(root, Files.readString(argFile).strip(), scratch));
            return "@" + copy;
        }
        if (!value.startsWith("/")) {
            return value;
        }
        return Stream.of(value.split(":")).map(p -> p.startsWith("/") ? inRoot(root, p).toString() : p)
                .collect(Collectors.joining(":"));
    }

    private static Path inRoot(Path root, String absolute) {
        return root.resolve(absolute.substring(1));
    }

    private static List<String> probePaths() throws IOException {
        JsonNode container = DeployManifests.load().container();
        Set<String> paths = new LinkedHashSet<>();
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            JsonNode path = container.path(probe).path("httpGet").path("path");
            if (!path.isMissingNode()) {
                paths.add(path.asText());
            }
        }
        assertThat(paths).isNotEmpty();
        return List.copyOf(paths);
    }

    /** The HTTP status of GET {@code path}, or -1 while nothing answers; fails at once if Warrant has exited. */
    private int status(HttpClient http, int port, String path, Path dir) throws IOException, InterruptedException {
        if (!warrant.isAlive()) {
            throw new AssertionError("Warrant exited with " + warrant.exitValue() + ":\n"
                    + Files.readString(dir.resolve("warrant.out")));
        }
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException refusedOrTimedOut) {
            return -1;
        }
    }

    /** Files the process has mapped that are shared libraries, from /proc/PID/maps. */
    private static Set<String> mappedLibraries(long pid) throws IOException {
        Set<String> libs = new LinkedHashSet<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
            String[] fields = line.trim().split("\\s+", 6);
            if (fields.length == 6 && fields[5].startsWith("/") && fields[5].matches(".*\\.so(\\.[0-9]+)*$")) {
                libs.add(fields[5]);
            }
        }
        return libs;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
