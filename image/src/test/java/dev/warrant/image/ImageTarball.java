package dev.warrant.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An image tarball as Jib's {@code buildTar} writes it (the {@code docker save} layout): {@code manifest.json} naming
 * the config JSON and the gzipped layer tars in order. Unpacked with the system's {@code tar}, which keeps the
 * layers' file modes (the runtime's executables must stay executable).
 */
record ImageTarball(String repoTag, JsonNode config, List<Path> layers) {

    /** The tarball this build made (the image module's surefire configuration names it). */
    static Path built() {
        return Path.of(System.getProperty("warrant.imageTar", "target/jib-image.tar"));
    }

    static ImageTarball unpack(Path tar, Path dir) throws IOException, InterruptedException {
        run(List.of("tar", "-xf", tar.toString(), "-C", dir.toString()));
        ObjectMapper json = new ObjectMapper();
        JsonNode manifest = json.readTree(dir.resolve("manifest.json").toFile());
        if (!manifest.isArray() || manifest.size() != 1) {
            throw new IllegalStateException("manifest.json must describe one image: " + manifest);
        }
        JsonNode image = manifest.get(0);
        List<Path> layers = new ArrayList<>();
        image.get("Layers").forEach(l -> layers.add(dir.resolve(l.asText())));
        return new ImageTarball(image.get("RepoTags").get(0).asText(),
                json.readTree(dir.resolve(image.get("Config").asText()).toFile()).get("config"), List.copyOf(layers));
    }

    /** Applies the layers in order onto {@code root}, as a container runtime would. */
    void extractLayers(Path root) throws IOException, InterruptedException {
        for (Path layer : layers) {
            // Jib writes libarchive's creation-time headers, which GNU tar does not know and would warn about.
            run(List.of("tar", "--warning=no-unknown-keyword", "-xzf", layer.toString(), "-C", root.toString()));
        }
        // A FROM scratch image deletes nothing; a whiteout would mean a base image this extraction cannot honour.
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> whiteouts = files.filter(p -> p.getFileName().toString().startsWith(".wh.")).toList();
            if (!whiteouts.isEmpty()) {
                throw new IllegalStateException("layers delete files (whiteouts): " + whiteouts);
            }
        }
    }

    List<String> entrypoint() {
        return strings(config.get("Entrypoint"));
    }

    List<String> cmd() {
        return strings(config.get("Cmd"));
    }

    List<String> env() {
        return strings(config.get("Env"));
    }

    String workingDir() {
        return config.path("WorkingDir").asText("/");
    }

    String user() {
        return config.path("User").asText("");
    }

    /** The {@code --config FILE} of the default command. */
    String configFile() {
        List<String> cmd = cmd();
        int i = cmd.indexOf("--config");
        if (i < 0 || i + 1 >= cmd.size()) {
            throw new IllegalStateException("the image's command names no --config: " + cmd);
        }
        return cmd.get(i + 1);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(command + " exited " + p.exitValue() + ": " + output);
        }
    }
}
