package dev.warrant.gateway.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warrant.adapters.StdioUpstreamSpec;
import dev.warrant.adapters.ToolCatalog;
import dev.warrant.adapters.Upstream;
import dev.warrant.adapters.Upstreams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The demo upstream as the gateway runs it: a separate JVM spoken to over stdio. */
@Timeout(30)
class NotesServerTest {

    @TempDir
    Path dir;

    @Test
    void fileStoreIsSeededReadsWritesAndLists() throws Exception {
        try (Upstream notes = start(List.of("--state-dir", dir.toString()), Map.of())) {
            assertThat(((Map<?, ?>) notes.initializeResult().get("serverInfo")).get("name")).isEqualTo("notes");
            List<Map<String, Object>> tools = ToolCatalog.listTools(notes).get(10, TimeUnit.SECONDS);
            assertThat(tools).extracting(t -> t.get("name")).containsExactlyInAnyOrder("read_note", "write_note",
                    "list_notes");
            assertThat(annotations(tools, "read_note")).containsEntry("readOnlyHint", true);
            assertThat(annotations(tools, "write_note")).containsEntry("destructiveHint", true);

            assertThat(text(call(notes, "read_note", Map.of("path", "/notes/public/hello.md"))))
                    .isEqualTo("Hello from Warrant");
            assertThat(text(call(notes, "write_note", Map.of("path", "/notes/public/new/one.md", "text", "1"))))
                    .startsWith("saved");
            assertThat(Files.readString(dir.resolve("notes/public/new/one.md"))).isEqualTo("1");
            assertThat(text(call(notes, "list_notes", Map.of())).split("\n")).containsExactly(
                    "/notes/private/plan.md", "/notes/public/hello.md", "/notes/public/new/one.md");
            Map<String, Object> missing = call(notes, "read_note", Map.of("path", "/notes/public/nope.md"));
            assertThat(missing).containsEntry("isError", true);
            assertThat(text(missing)).isEqualTo("no such note");
        }
    }

    @Test
    void rejectsPathsThatAreNotCanonicalNotePaths() throws Exception {
        Files.writeString(dir.resolve("outside.txt"), "must stay unreadable");
        try (Upstream notes = start(List.of("--state-dir", dir.toString()), Map.of())) {
            for (String path : List.of("/notes/../outside.txt", "/notes/public/../../outside.txt", "/notes//x.md",
                    "/notes/./public/hello.md", "notes/public/hello.md", "/etc/passwd", "/notes/", "/notes/public/",
                    "/notes/public\\hello.md", "/notes/public/hello.md/")) {
                Map<String, Object> result = call(notes, "read_note", Map.of("path", path));
                assertThat(result).as(path).containsEntry("isError", true);
                assertThat(text(result)).as(path).startsWith("invalid path");
            }
            Map<String, Object> write = call(notes, "write_note", Map.of("path", "/notes/../escape.md", "text", "x"));
            assertThat(write).containsEntry("isError", true);
            assertThat(dir.resolve("escape.md")).doesNotExist();
        }
    }

    @Test
    void memoryStoreAndMetaLog() throws Exception {
        Path log = dir.resolve("meta.jsonl");
        try (Upstream notes = start(List.of(), Map.of("NOTES_META_LOG", log.toString()))) {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("name", "read_note");
            params.put("arguments", Map.of("path", "/notes/private/plan.md"));
            params.put("_meta", Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
            Map<String, Object> result = notes.call("tools/call", params, null).result().get(10, TimeUnit.SECONDS);
            assertThat(text(result)).startsWith("Secret plan:");
            assertThat(Files.readAllLines(log)).singleElement().asString()
                    .contains("\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"");
        }
        assertThat(dir.resolve("notes")).doesNotExist();
    }

    private static Upstream start(List<String> args, Map<String, String> env) throws Exception {
        List<String> command = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path"),
                NotesServer.class.getName()));
        command.addAll(args);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return Upstreams.connect(new StdioUpstreamSpec("notes", java, command, env, Duration.ofSeconds(10)))
                .get(20, TimeUnit.SECONDS);
    }

    private static Map<String, Object> call(Upstream notes, String tool, Map<String, Object> arguments)
            throws Exception {
        return notes.call("tools/call", Map.of("name", tool, "arguments", arguments), null).result()
                .get(10, TimeUnit.SECONDS);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> annotations(List<Map<String, Object>> tools, String name) {
        return (Map<String, Object>) tools.stream().filter(t -> name.equals(t.get("name"))).findFirst().orElseThrow()
                .get("annotations");
    }

    private static String text(Map<String, Object> result) {
        return String.valueOf(((Map<?, ?>) ((List<?>) result.get("content")).get(0)).get("text"));
    }
}
