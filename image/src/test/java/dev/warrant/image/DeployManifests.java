package dev.warrant.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Every Kubernetes object in {@code deploy/}: each YAML document of each {@code .yaml}/{@code .yml} file there. */
record DeployManifests(List<JsonNode> objects) {

    static Path dir() {
        return Path.of(System.getProperty("warrant.deployDir", "../deploy"));
    }

    static DeployManifests load() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<JsonNode> objects = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir())) {
            files = list.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
        }
        for (Path file : files) {
            try (MappingIterator<JsonNode> docs = yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
                while (docs.hasNext()) {
                    JsonNode doc = docs.next();
                    if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                        objects.add(doc);
                    }
                }
            }
        }
        return new DeployManifests(List.copyOf(objects));
    }

    List<JsonNode> all(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    /** The one object of {@code kind}; fails when there is none or several. */
    JsonNode one(String kind) {
        List<JsonNode> found = all(kind);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + " in deploy/, found " + found.size());
        }
        return found.get(0);
    }

    boolean has(String kind, String name) {
        return all(kind).stream().anyMatch(o -> name.equals(o.path("metadata").path("name").asText()));
    }

    JsonNode named(String kind, String name) {
        return all(kind).stream().filter(o -> name.equals(o.path("metadata").path("name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " in deploy/"));
    }

    /** The workload running Warrant and the pod spec of its template. */
    JsonNode workload() {
        List<JsonNode> workloads = new ArrayList<>(all("StatefulSet"));
        workloads.addAll(all("Deployment"));
        if (workloads.size() != 1) {
            throw new AssertionError("expected one StatefulSet or Deployment in deploy/, found " + workloads.size());
        }
        return workloads.get(0);
    }

    JsonNode podSpec() {
        return workload().path("spec").path("template").path("spec");
    }

    JsonNode container() {
        JsonNode containers = podSpec().path("containers");
        if (containers.size() != 1) {
            throw new AssertionError("expected one container in the pod, found " + containers.size());
        }
        return containers.get(0);
    }
}
