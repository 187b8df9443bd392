package dev.warrant.adapters;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * Test upstream: a real MCP server (Java SDK, stdio) run as a separate JVM by the tests. Its tools exercise
 * the adapter's paths: echo (extra result fields), echo_meta (what arrived in _meta), slow (progress,
 * timeouts, cancel), crash (process dies mid-call), cancellations (which notifications/cancelled arrived),
 * ask_roots / ping_client (server-to-client requests), list_changed (an uncorrelated notification), env.
 */
public final class FixtureServer {

    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();
    /** requestIds of the notifications/cancelled this server received, in arrival order. */
    private static final List<Object> CANCELLED = new CopyOnWriteArrayList<>();

    public static void main(String[] args) {
        AtomicReference<McpSyncServer> server = new AtomicReference<>();
        // The SDK server has no hook for notifications/cancelled, so watch the raw input for them.
        StdioServerTransportProvider transport =
                new StdioServerTransportProvider(JSON, new CancelWatcher(System.in), System.out);
        server.set(McpServer.sync(transport)
                .serverInfo("fixture", "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(
                        tool("echo", "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}",
                                (exchange, request) -> {
                                    String text = String.valueOf(request.arguments().get("text"));
                                    return CallToolResult.builder()
                                            .addTextContent(text)
                                            .structuredContent(Map.of("echoed", text, "length", text.length()))
                                            .meta(Map.of("fixture/extra", Map.of("nested", true)))
                                            .build();
                                }),
                        tool("echo_meta", "{\"type\":\"object\"}", (exchange, request) ->
                                text(json(request.meta() == null ? Map.of() : request.meta()))),
                        tool("slow", "{\"type\":\"object\",\"properties\":{\"ms\":{\"type\":\"integer\"},\"steps\":{\"type\":\"integer\"}}}",
                                FixtureServer::slow),
                        tool("crash", "{\"type\":\"object\"}", (exchange, request) -> {
                            Runtime.getRuntime().halt(3);
                            return text("unreachable");
                        }),
                        tool("cancellations", "{\"type\":\"object\"}", (exchange, request) -> text(json(CANCELLED))),
                        tool("ask_roots", "{\"type\":\"object\"}", (exchange, request) -> {
                            try {
                                return text("roots: " + exchange.listRoots().roots());
                            } catch (RuntimeException e) {
                                return CallToolResult.builder().addTextContent("roots failed: " + e.getMessage())
                                        .isError(true).build();
                            }
                        }),
                        tool("ping_client", "{\"type\":\"object\"}", (exchange, request) -> {
                            exchange.ping();
                            return text("pong");
                        }),
                        tool("list_changed", "{\"type\":\"object\"}", (exchange, request) -> {
                            server.get().notifyToolsListChanged();
                            return text("notified");
                        }),
                        tool("env", "{\"type\":\"object\"}", (exchange, request) -> text(json(System.getenv()))))
                .build());
        System.err.println("fixture server ready"); // stderr: must reach the gateway's log, not the protocol
    }

    private static CallToolResult slow(McpSyncServerExchange exchange, CallToolRequest request) {
        long ms = ((Number) request.arguments().getOrDefault("ms", 1000)).longValue();
        Object token = request.meta() == null ? null : request.meta().get("progressToken");
        int steps = ((Number) request.arguments().getOrDefault("steps", 5)).intValue();
        for (int i = 1; i <= steps; i++) {
            try {
                // Being slow is this tool's job (timeouts, progress, cancel): a duration, not a wait for a condition.
                Thread.sleep(ms / steps);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (token != null) {
                exchange.progressNotification(new McpSchema.ProgressNotification(token, (double) i, (double) steps, "step " + i, null));
            }
        }
        return text("slept " + ms);
    }

    private static SyncToolSpecification tool(String name, String schema,
            BiFunction<McpSyncServerExchange, CallToolRequest, CallToolResult> handler) {
        return SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder(name, JSON, schema).description("fixture tool " + name).build())
                .callHandler(handler)
                .build();
    }

    private static CallToolResult text(String text) {
        return CallToolResult.builder().addTextContent(text).build();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Passes stdin through unchanged while noting the requestId of every notifications/cancelled line. */
    private static final class CancelWatcher extends FilterInputStream {

        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        CancelWatcher(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                see(b);
            } else {
                endOfInput();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            for (int i = 0; i < n; i++) {
                see(buffer[offset + i]);
            }
            if (n < 0) {
                endOfInput();
            }
            return n;
        }

        /** Like most stdio servers, exit when the client closes stdin (the SDK's server alone lingers). */
        private static void endOfInput() {
            System.err.println("stdin closed, exiting");
            System.exit(0);
        }

        private void see(int b) {
            if (b != '\n') {
                line.write(b);
                return;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (text.contains("notifications/cancelled")) {
                try {
                    Map<String, Object> message = JSON.readValue(text, new TypeRef<Map<String, Object>>() {
                    });
                    Object params = message.get("params");
                    CANCELLED.add(params instanceof Map<?, ?> p ? p.get("requestId") : null);
                } catch (IOException e) {
                    System.err.println("unreadable cancel line: " + e.getMessage());
                }
            }
        }
    }
}
