package dev.warrant.gateway.conformance;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncCompletionSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.AudioContent;
import io.modelcontextprotocol.spec.McpSchema.BlobResourceContents;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.CompleteResult;
import io.modelcontextprotocol.spec.McpSchema.Content;
import io.modelcontextprotocol.spec.McpSchema.CreateMessageRequest;
import io.modelcontextprotocol.spec.McpSchema.ElicitRequest;
import io.modelcontextprotocol.spec.McpSchema.ElicitResult;
import io.modelcontextprotocol.spec.McpSchema.EmbeddedResource;
import io.modelcontextprotocol.spec.McpSchema.GetPromptResult;
import io.modelcontextprotocol.spec.McpSchema.ImageContent;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.Prompt;
import io.modelcontextprotocol.spec.McpSchema.PromptArgument;
import io.modelcontextprotocol.spec.McpSchema.PromptMessage;
import io.modelcontextprotocol.spec.McpSchema.PromptReference;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.ResourceTemplate;
import io.modelcontextprotocol.spec.McpSchema.Role;
import io.modelcontextprotocol.spec.McpSchema.SamplingMessage;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The upstream the official MCP conformance suite is run against through the gateway: a Java SDK stdio server
 * with exactly the tools, resources, prompts and completions the suite's {@code server} scenarios call
 * (names, arguments and results as @modelcontextprotocol/conformance 0.1.16 describes them). It carries no
 * gateway logic, so every failure the suite reports is the gateway's (or the SDK's), not the fixture's.
 */
public final class ConformanceFixtureServer {

    /** A 1x1 red PNG. */
    static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
    /** A WAV header with no samples. */
    static final String WAV = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=";
    private static final String NO_ARGS = "{\"type\":\"object\",\"properties\":{}}";
    private static final Pattern TEMPLATE = Pattern.compile("test://template/([^/]+)/data");
    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();

    private ConformanceFixtureServer() {
    }

    public static void main(String[] args) {
        StdioServerTransportProvider transport =
                new StdioServerTransportProvider(JSON, new ExitOnEof(System.in), System.out);
        McpServer.sync(transport)
                .serverInfo("conformance-fixture", "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).resources(true, true).prompts(true)
                        .logging().completions().build())
                .tools(tools())
                .resources(resources())
                .resourceTemplates(new SyncResourceTemplateSpecification(
                        new ResourceTemplate("test://template/{id}/data", "template", "A resource template",
                                "application/json", null),
                        (exchange, request) -> templated(request.uri())))
                .prompts(prompts())
                .completions(new SyncCompletionSpecification(new PromptReference("test_prompt_with_arguments"),
                        (exchange, request) -> complete(request.argument().value())))
                .build();
        System.err.println("conformance fixture ready");
    }

    private static List<SyncToolSpecification> tools() {
        return List.of(
                tool("test_simple_text", NO_ARGS, (x, r) -> result(text("This is a simple text response for testing."))),
                tool("test_image_content", NO_ARGS, (x, r) -> result(new ImageContent(null, PNG, "image/png"))),
                tool("test_audio_content", NO_ARGS, (x, r) -> result(new AudioContent(null, WAV, "audio/wav"))),
                tool("test_embedded_resource", NO_ARGS, (x, r) -> result(new EmbeddedResource(null,
                        new TextResourceContents("test://embedded-resource", "text/plain",
                                "This is an embedded resource content.")))),
                tool("test_multiple_content_types", NO_ARGS, (x, r) -> CallToolResult.builder().content(List.of(
                        text("Multiple content types test:"), new ImageContent(null, PNG, "image/png"),
                        new EmbeddedResource(null, new TextResourceContents("test://mixed-content-resource",
                                "application/json", "{\"test\":\"data\",\"value\":123}")))).build()),
                tool("test_tool_with_logging", NO_ARGS, ConformanceFixtureServer::withLogging),
                tool("test_error_handling", NO_ARGS, (x, r) -> CallToolResult.builder()
                        .addTextContent("This tool intentionally returns an error for testing").isError(true).build()),
                tool("test_tool_with_progress", NO_ARGS, ConformanceFixtureServer::withProgress),
                tool("test_sampling", stringArgs("prompt"), ConformanceFixtureServer::sampling),
                tool("test_elicitation", stringArgs("message"), (x, r) -> elicit(x, "User response: ",
                        String.valueOf(r.arguments().get("message")), Map.of("type", "object",
                                "properties", Map.of(
                                        "username", Map.of("type", "string", "description", "User's response"),
                                        "email", Map.of("type", "string", "description", "User's email address")),
                                "required", List.of("username", "email")))),
                tool("test_elicitation_sep1034_defaults", NO_ARGS, (x, r) -> elicit(x, "Elicitation completed: ",
                        "Please review and update the form fields with defaults", Map.of("type", "object",
                                "properties", Map.of(
                                        "name", Map.of("type", "string", "default", "John Doe"),
                                        "age", Map.of("type", "integer", "default", 30),
                                        "score", Map.of("type", "number", "default", 95.5),
                                        "status", Map.of("type", "string",
                                                "enum", List.of("active", "inactive", "pending"), "default", "active"),
                                        "verified", Map.of("type", "boolean", "default", true))))),
                tool("test_elicitation_sep1330_enums", NO_ARGS, (x, r) -> elicit(x, "Elicitation completed: ",
                        "Please select options", Map.of("type", "object", "properties", Map.of(
                                "untitledSingle", Map.of("type", "string",
                                        "enum", List.of("option1", "option2", "option3")),
                                "titledSingle", Map.of("type", "string", "oneOf", List.of(
                                        Map.of("const", "value1", "title", "First Option"),
                                        Map.of("const", "value2", "title", "Second Option"),
                                        Map.of("const", "value3", "title", "Third Option"))),
                                "legacyEnum", Map.of("type", "string", "enum", List.of("opt1", "opt2", "opt3"),
                                        "enumNames", List.of("Option One", "Option Two", "Option Three")),
                                "untitledMulti", Map.of("type", "array", "items", Map.of("type", "string",
                                        "enum", List.of("option1", "option2", "option3"))),
                                "titledMulti", Map.of("type", "array", "items", Map.of("anyOf", List.of(
                                        Map.of("const", "value1", "title", "First Choice"),
                                        Map.of("const", "value2", "title", "Second Choice"),
                                        Map.of("const", "value3", "title", "Third Choice")))))))),
                tool("json_schema_2020_12_tool", "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
                        + "\"type\":\"object\",\"$defs\":{\"address\":{\"type\":\"object\",\"properties\":{"
                        + "\"street\":{\"type\":\"string\"},\"city\":{\"type\":\"string\"}}}},"
                        + "\"properties\":{\"name\":{\"type\":\"string\"},\"address\":{\"$ref\":\"#/$defs/address\"}},"
                        + "\"additionalProperties\":false}", (x, r) -> result(text("ok"))),
                // SEP-1699 closes the SSE stream mid-call; that is the HTTP server's (the gateway's) job, so the
                // upstream only has to take long enough for a stream to be closed and resumed.
                tool("test_reconnection", NO_ARGS, (x, r) -> {
                    sleep(200);
                    return result(text("Reconnection test completed"));
                }));
    }

    private static CallToolResult withLogging(McpSyncServerExchange exchange, CallToolRequest request) {
        log(exchange, "Tool execution started");
        sleep(50);
        log(exchange, "Tool processing data");
        sleep(50);
        log(exchange, "Tool execution completed");
        return result(text("Tool with logging executed successfully"));
    }

    private static void log(McpSyncServerExchange exchange, String message) {
        exchange.loggingNotification(new LoggingMessageNotification(LoggingLevel.INFO, "conformance-fixture", message));
    }

    private static CallToolResult withProgress(McpSyncServerExchange exchange, CallToolRequest request) {
        Object token = request.meta() == null ? null : request.meta().get("progressToken");
        for (int progress = 0; progress <= 100; progress += 50) {
            if (progress > 0) {
                sleep(50);
            }
            if (token != null) {
                exchange.progressNotification(new ProgressNotification(token, progress, 100.0, null));
            }
        }
        return result(text("Tool with progress executed successfully"));
    }

    private static CallToolResult sampling(McpSyncServerExchange exchange, CallToolRequest request) {
        if (exchange.getClientCapabilities() == null || exchange.getClientCapabilities().sampling() == null) {
            return CallToolResult.builder().addTextContent("client does not support sampling").isError(true).build();
        }
        var answer = exchange.createMessage(new CreateMessageRequest(List.of(new SamplingMessage(Role.USER,
                text(String.valueOf(request.arguments().get("prompt"))))), null, null, null, null, 100, null, null));
        String reply = answer.content() instanceof TextContent t ? t.text() : String.valueOf(answer.content());
        return result(text("LLM response: " + reply));
    }

    private static CallToolResult elicit(McpSyncServerExchange exchange, String prefix, String message,
            Map<String, Object> schema) {
        if (exchange.getClientCapabilities() == null || exchange.getClientCapabilities().elicitation() == null) {
            return CallToolResult.builder().addTextContent("client does not support elicitation").isError(true).build();
        }
        ElicitResult answer = exchange.createElicitation(ElicitRequest.builder(message, schema).build());
        return result(text(prefix + "action=" + answer.action().name().toLowerCase() + ", content="
                + toJson(answer.content())));
    }

    private static List<SyncResourceSpecification> resources() {
        return List.of(
                resource("test://static-text", "static-text", "text/plain",
                        uri -> new TextResourceContents(uri, "text/plain",
                                "This is the content of the static text resource.")),
                resource("test://static-binary", "static-binary", "image/png",
                        uri -> new BlobResourceContents(uri, "image/png", PNG)),
                resource("test://watched-resource", "watched-resource", "text/plain",
                        uri -> new TextResourceContents(uri, "text/plain", "Watched resource content")));
    }

    private static ReadResourceResult templated(String uri) {
        Matcher m = TEMPLATE.matcher(uri);
        String id = m.matches() ? m.group(1) : "";
        return new ReadResourceResult(List.of(new TextResourceContents(uri, "application/json",
                "{\"id\":\"" + id + "\",\"templateTest\":true,\"data\":\"Data for ID: " + id + "\"}")));
    }

    private static List<SyncPromptSpecification> prompts() {
        return List.of(
                prompt("test_simple_prompt", List.of(), args -> List.of(
                        user(text("This is a simple prompt for testing.")))),
                prompt("test_prompt_with_arguments", List.of(
                        new PromptArgument("arg1", "First test argument", true),
                        new PromptArgument("arg2", "Second test argument", true)), args -> List.of(
                        user(text("Prompt with arguments: arg1='" + args.get("arg1") + "', arg2='"
                                + args.get("arg2") + "'")))),
                prompt("test_prompt_with_embedded_resource", List.of(
                        new PromptArgument("resourceUri", "URI of the resource to embed", true)), args -> List.of(
                        user(new EmbeddedResource(null, new TextResourceContents(String.valueOf(args.get("resourceUri")),
                                "text/plain", "Embedded resource content for testing."))),
                        user(text("Please process the embedded resource above.")))),
                prompt("test_prompt_with_image", List.of(), args -> List.of(
                        user(new ImageContent(null, PNG, "image/png")),
                        user(text("Please analyze the image above.")))));
    }

    private static CompleteResult complete(String prefix) {
        List<String> values = List.of("paris", "park", "party").stream()
                .filter(v -> prefix == null || v.startsWith(prefix)).toList();
        return new CompleteResult(new CompleteResult.CompleteCompletion(values, values.size(), false));
    }

    private static SyncToolSpecification tool(String name, String schema,
            BiFunction<McpSyncServerExchange, CallToolRequest, CallToolResult> handler) {
        return SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder(name, JSON, schema).description("Conformance fixture tool " + name).build())
                .callHandler(handler)
                .build();
    }

    private static String stringArgs(String name) {
        return "{\"type\":\"object\",\"properties\":{\"" + name + "\":{\"type\":\"string\"}},\"required\":[\"" + name
                + "\"]}";
    }

    private static SyncResourceSpecification resource(String uri, String name, String mimeType,
            java.util.function.Function<String, McpSchema.ResourceContents> contents) {
        Resource resource = Resource.builder().uri(uri).name(name).description("Conformance resource " + name)
                .mimeType(mimeType).build();
        return new SyncResourceSpecification(resource,
                (exchange, request) -> new ReadResourceResult(List.of(contents.apply(request.uri()))));
    }

    private static SyncPromptSpecification prompt(String name, List<PromptArgument> arguments,
            java.util.function.Function<Map<String, Object>, List<PromptMessage>> messages) {
        return new SyncPromptSpecification(new Prompt(name, "Conformance prompt " + name, arguments),
                (exchange, request) -> new GetPromptResult(null,
                        messages.apply(request.arguments() == null ? Map.of() : request.arguments())));
    }

    private static PromptMessage user(Content content) {
        return new PromptMessage(Role.USER, content);
    }

    private static TextContent text(String text) {
        return new TextContent(text);
    }

    private static CallToolResult result(Content content) {
        return CallToolResult.builder().content(List.of(content)).build();
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            return String.valueOf(value);
        }
    }

    /** Pacing, like the suite's own example server: the scenarios expect notifications spread over a call. */
    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
                System.exit(0);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n < 0) {
                System.exit(0);
            }
            return n;
        }
    }
}
