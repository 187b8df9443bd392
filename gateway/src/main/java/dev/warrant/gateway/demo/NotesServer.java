package dev.warrant.gateway.demo;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The demo upstream {@code notes}: a real MCP server (Java SDK, stdio) that the gateway starts as a child
 * process. Tools: {@code read_note(path)}, {@code write_note(path, text)}, {@code list_notes()}.
 *
 * <p>Notes live at paths like {@code /notes/public/hello.md}. The server checks paths itself (normalized,
 * absolute, under {@code /notes/}), so it is safe even without the gateway in front. With
 * {@code --state-dir DIR} notes are files under {@code DIR/notes/}; without, they live in memory. Both stores
 * start with two seeds: a public note and a private plan.
 *
 * <p>stdout is the protocol; everything else goes to stderr. For the gateway's tests, if the environment
 * variable {@code NOTES_META_LOG} names a file, every tools/call appends its request {@code _meta} to it as
 * one JSON line.
 */
public final class NotesServer {

    static final Map<String, String> SEEDS = Map.of(
            "/notes/public/hello.md", "Hello from Warrant",
            "/notes/private/plan.md", "Secret plan: ship the gateway, then revoke every token we minted.");

    /** One segment: a plain file or directory name, never "." or "..". */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
    private static final int MAX_PATH = 256;
    private static final int MAX_TEXT = 64 * 1024;

    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();

    private NotesServer() {
    }

    public static void main(String[] args) throws IOException {
        Store store = args.length == 2 && args[0].equals("--state-dir") ? new FileStore(Path.of(args[1]))
                : args.length == 0 ? new MemoryStore() : usage();
        Optional<Path> metaLog = Optional.ofNullable(System.getenv("NOTES_META_LOG")).filter(s -> !s.isBlank())
                .map(Path::of);

        StdioServerTransportProvider transport =
                new StdioServerTransportProvider(JSON, new ExitOnEof(System.in), System.out);
        McpServer.sync(transport)
                .serverInfo("notes", "1.0.0")
                .instructions("Notes under /notes/. /notes/public/ is for everyone; /notes/private/ is not.")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .tools(
                        tool("read_note", "Read the text of one note.", true,
                                "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}},"
                                        + "\"required\":[\"path\"]}",
                                metaLog, request -> withPath(request, path -> store.read(path)
                                        .map(NotesServer::text).orElseGet(() -> error("no such note")))),
                        tool("write_note", "Create or replace a note.", false,
                                "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},"
                                        + "\"text\":{\"type\":\"string\"}},\"required\":[\"path\",\"text\"]}",
                                metaLog, request -> withPath(request, path -> {
                                    Object text = request.arguments().get("text");
                                    if (!(text instanceof String body) || body.length() > MAX_TEXT) {
                                        return error("text must be a string of at most " + MAX_TEXT + " chars");
                                    }
                                    store.write(path, body);
                                    return text("saved " + path);
                                })),
                        tool("list_notes", "List the paths of all notes.", true, "{\"type\":\"object\"}",
                                metaLog, request -> text(String.join("\n", store.list()))))
                .build();
        System.err.println("notes server ready (" + store + ")");
    }

    private static Store usage() {
        System.err.println("usage: NotesServer [--state-dir DIR]");
        System.exit(2);
        return null;
    }

    /**
     * A note path is accepted only in canonical form: "/notes/" then one or more plain segments separated
     * by single slashes. No "..", ".", "//", backslashes or trailing slash, so no path can leave the store.
     */
    static boolean isValidPath(String path) {
        if (path == null || path.length() > MAX_PATH || !path.startsWith("/notes/")) {
            return false;
        }
        String[] segments = path.substring("/notes/".length()).split("/", -1);
        for (String segment : segments) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static CallToolResult withPath(CallToolRequest request, Function<String, CallToolResult> action) {
        Object path = request.arguments() == null ? null : request.arguments().get("path");
        if (!(path instanceof String p) || !isValidPath(p)) {
            return error("invalid path: must be a normalized absolute path under /notes/");
        }
        return action.apply(p);
    }

    private static SyncToolSpecification tool(String name, String description, boolean readOnly, String schema,
            Optional<Path> metaLog, Function<CallToolRequest, CallToolResult> handler) {
        ToolAnnotations annotations = readOnly
                ? ToolAnnotations.builder().readOnlyHint(true).destructiveHint(false).build()
                : ToolAnnotations.builder().readOnlyHint(false).destructiveHint(true).build();
        return SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder(name, JSON, schema).description(description).annotations(annotations)
                        .build())
                .callHandler((exchange, request) -> {
                    metaLog.ifPresent(log -> logMeta(log, request));
                    try {
                        return handler.apply(request);
                    } catch (UncheckedIOException e) {
                        System.err.println("notes: " + name + " failed: " + e.getMessage());
                        return error("storage error");
                    }
                })
                .build();
    }

    /** Test hook: what arrived in _meta (the gateway's tests look for traceparent and for leaked tokens). */
    private static synchronized void logMeta(Path log, CallToolRequest request) {
        try {
            String line = JSON.writeValueAsString(request.meta() == null ? Map.of() : request.meta()) + "\n";
            Files.writeString(log, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("notes: cannot write NOTES_META_LOG: " + e.getMessage());
        }
    }

    private static CallToolResult text(String text) {
        return CallToolResult.builder().addTextContent(text).build();
    }

    private static CallToolResult error(String message) {
        return CallToolResult.builder().addTextContent(message).isError(true).build();
    }

    interface Store {
        Optional<String> read(String path);

        void write(String path, String text);

        List<String> list();
    }

    static final class MemoryStore implements Store {
        private final Map<String, String> notes = new ConcurrentSkipListMap<>(SEEDS);

        @Override
        public Optional<String> read(String path) {
            return Optional.ofNullable(notes.get(path));
        }

        @Override
        public void write(String path, String text) {
            notes.put(path, text);
        }

        @Override
        public List<String> list() {
            return List.copyOf(notes.keySet());
        }

        @Override
        public String toString() {
            return "in memory";
        }
    }

    /** Notes as files: /notes/a/b.md is DIR/notes/a/b.md. Seeded when DIR/notes does not exist yet. */
    static final class FileStore implements Store {
        private final Path root;

        FileStore(Path stateDir) throws IOException {
            this.root = stateDir.toAbsolutePath().normalize().resolve("notes");
            if (!Files.isDirectory(root)) {
                Files.createDirectories(root);
                for (Map.Entry<String, String> seed : new TreeMap<>(SEEDS).entrySet()) {
                    write(seed.getKey(), seed.getValue());
                }
            }
        }

        /** Paths are validated before they get here; the containment check is a second line of defence. */
        private Path file(String path) {
            Path file = root.resolve(path.substring("/notes/".length())).normalize();
            if (!file.startsWith(root)) {
                throw new IllegalArgumentException("path escapes the store: " + path);
            }
            return file;
        }

        @Override
        public Optional<String> read(String path) {
            Path file = file(path);
            // No symlinks: a link planted in the state dir must not expose files outside it.
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            try {
                return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public synchronized void write(String path, String text) {
            Path file = file(path);
            try {
                Files.createDirectories(file.getParent());
                if (Files.isSymbolicLink(file)) {
                    throw new IOException("refusing to write through a symbolic link: " + path);
                }
                Files.writeString(file, text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public List<String> list() {
            List<String> paths = new ArrayList<>();
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                        .map(f -> "/notes/" + root.relativize(f).toString().replace('\\', '/'))
                        .filter(NotesServer::isValidPath)
                        .sorted()
                        .forEach(paths::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return paths;
        }

        @Override
        public String toString() {
            return "files under " + root;
        }
    }

    /** The SDK's stdio server keeps running after its client closes stdin; a child process should not. */
    private static final class ExitOnEof extends FilterInputStream {
        ExitOnEof(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                exit();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n < 0) {
                exit();
            }
            return n;
        }

        private static void exit() {
            System.err.println("notes: stdin closed, exiting");
            System.exit(0);
        }
    }
}
