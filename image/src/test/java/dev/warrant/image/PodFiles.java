package dev.warrant.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warrant.gateway.config.ConfigLoader;
import dev.warrant.gateway.config.GatewayConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The files Warrant's pod sees, laid out under a directory standing for its root: each ConfigMap and Secret volume
 * of the pod written at its mount path, from the objects in deploy/. Paths in the config file are read relative to
 * that root, so Warrant's own {@link ConfigLoader} reads the config exactly as mounted.
 */
final class PodFiles {

    private final DeployManifests manifests;
    private final Path root;
    private final List<String> mountPaths = new ArrayList<>();

    PodFiles(DeployManifests manifests, Path root) {
        this.manifests = manifests;
        this.root = root;
    }

    /** Writes every ConfigMap and Secret volume; {@code secretValues} replace keys of Secrets (by key name). */
    PodFiles write(Map<String, String> secretValues) throws IOException {
        Map<String, JsonNode> volumes = new HashMap<>();
        manifests.podSpec().path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        for (JsonNode mount : manifests.container().path("volumeMounts")) {
            String path = mount.path("mountPath").asText();
            mountPaths.add(path);
            JsonNode volume = volumes.get(mount.path("name").asText());
            if (volume == null) {
                continue; // a volume claim template: an empty, writable directory
            }
            Path dir = at(path);
            Files.createDirectories(dir);
            if (volume.has("configMap")) {
                JsonNode cm = manifests.named("ConfigMap", volume.path("configMap").path("name").asText());
                writeAll(dir, cm.path("data"), false, Map.of());
            } else if (volume.has("secret")) {
                JsonNode secret = manifests.named("Secret", volume.path("secret").path("secretName").asText());
                writeAll(dir, secret.path("stringData"), false, secretValues);
                writeAll(dir, secret.path("data"), true, secretValues);
            }
        }
        for (String path : mountPaths) {
            Files.createDirectories(at(path));
        }
        return this;
    }

    /** {@code absolutePath} inside this root. */
    Path at(String absolutePath) {
        return root.resolve(absolutePath.substring(1));
    }

    /**
     * Loads the config file at {@code absolutePath} with the container's environment ({@code metadata.namespace}
     * as {@code namespace}), its mounted paths read inside this root.
     */
    GatewayConfig loadConfig(String absolutePath, String namespace) throws IOException {
        // One pass over the text, each mount path only where a path starts (not inside an already rewritten one);
        // the longest first, so that no mount path is matched inside a longer one.
        Pattern mounts = Pattern.compile("(?<![\\w./-])("
                + mountPaths.stream().sorted(Comparator.comparingInt(String::length).reversed())
                        .map(Pattern::quote).collect(Collectors.joining("|"))
                + ")(?=/|[^\\w.-]|$)");
        String text = mounts.matcher(Files.readString(at(absolutePath)))
                .replaceAll(m -> Matcher.quoteReplacement(at(m.group(1)).toString()));
        Path rewritten = at(absolutePath).resolveSibling("rewritten-" + at(absolutePath).getFileName());
        Files.writeString(rewritten, text);
        return new ConfigLoader(containerEnv(namespace)).load(rewritten);
    }

    /** The container's environment as Kubernetes would set it, for the downward-API fields this test knows. */
    Map<String, String> containerEnv(String namespace) {
        Map<String, String> env = new HashMap<>();
        for (JsonNode e : manifests.container().path("env")) {
            String name = e.path("name").asText();
            if (e.has("value")) {
                env.put(name, e.path("value").asText());
            } else if ("metadata.namespace".equals(e.path("valueFrom").path("fieldRef").path("fieldPath").asText())) {
                env.put(name, namespace);
            } else {
                throw new AssertionError("env " + name + ": a source this test does not know: " + e);
            }
        }
        return env;
    }

    private static void writeAll(Path dir, JsonNode data, boolean base64, Map<String, String> replace)
            throws IOException {
        for (Map.Entry<String, JsonNode> f : data.properties()) {
            String value = replace.containsKey(f.getKey()) ? replace.get(f.getKey())
                    : base64 ? new String(Base64.getDecoder().decode(f.getValue().asText()), StandardCharsets.UTF_8)
                    : f.getValue().asText();
            Files.writeString(dir.resolve(f.getKey()), value);
        }
    }
}
