package dev.warrant.gateway.cli;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A small MCP client (the MCP Java SDK over Streamable HTTP) for trying a gateway by hand: lists the tools
 * the token may see, then optionally calls one.
 */
@Command(name = "call", mixinStandardHelpOptions = true,
        description = "List the tools a token may use through a gateway and optionally call one.")
final class CallCommand implements Callable<Integer> {

    @Option(names = "--url", description = "The gateway's MCP endpoint (default: ${DEFAULT-VALUE}).",
            defaultValue = "http://127.0.0.1:8080/mcp")
    URI url;

    @Option(names = "--token-file", required = true, description = "File holding the bearer token.")
    Path tokenFile;

    @Option(names = "--tool", description = "Tool to call, e.g. notes__read_note.")
    String tool;

    @Option(names = "--args", description = "Tool arguments as a JSON object (default: {}).", defaultValue = "{}")
    String args;

    @Override
    public Integer call() {
        String token = readToken(tokenFile);
        Map<String, Object> arguments = parseArgs(args);
        String base = url.getScheme() + "://" + url.getRawAuthority();
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base)
                .endpoint(url.getRawPath())
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
                .build();
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build()) {
            try {
                client.initialize();
            } catch (RuntimeException e) {
                // The SDK hides a 401's body; ask once more without it to tell the user the reason code.
                String refusal = refusalReason(token);
                if (refusal != null) {
                    throw new CliErrors.CliFailure("refused (" + refusal + "): the gateway does not accept this token", 1);
                }
                throw new CliErrors.CliFailure("cannot connect to " + url + ": " + CliErrors.message(e)
                        + " (is the gateway running, and is the token valid?)", 1);
            }
            System.out.println("Tools this token may use:");
            for (McpSchema.Tool t : client.listTools().tools()) {
                System.out.println("  " + t.name() + (t.description() == null ? "" : " - " + t.description()));
            }
            if (tool == null) {
                return 0;
            }
            System.out.println("Calling " + tool + " " + args);
            McpSchema.CallToolResult result;
            try {
                result = client.callTool(new McpSchema.CallToolRequest(tool, arguments));
            } catch (McpError e) {
                McpSchema.JSONRPCResponse.JSONRPCError error = e.getJsonRpcError();
                String reason = error.data() instanceof Map<?, ?> data && data.get("reason") != null
                        ? " (" + data.get("reason") + ")" : "";
                String detail = error.data() instanceof Map<?, ?> data && data.get("detail") != null
                        ? ": " + data.get("detail") : "";
                throw new CliErrors.CliFailure("refused" + reason + ": " + error.message() + detail, 1);
            }
            for (McpSchema.Content c : result.content()) {
                System.out.println(c instanceof McpSchema.TextContent text ? text.text() : String.valueOf(c));
            }
            return Boolean.TRUE.equals(result.isError()) ? 1 : 0;
        }
    }

    /** The reason code of a 401/403 answer to a bare initialize, or null when there is none to read. */
    private String refusalReason(String token) {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"warrant-call\",\"version\":\"1\"}}}";
        try {
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .header("Accept", "application/json, text/event-stream")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 401 && response.statusCode() != 403) {
                return null;
            }
            Object reason = McpJsonDefaults.getMapper().readValue(response.body(), Map.class) instanceof Map<?, ?> m
                    && m.get("error") instanceof Map<?, ?> error && error.get("data") instanceof Map<?, ?> data
                    ? data.get("reason") : null;
            return reason == null ? "HTTP " + response.statusCode() : reason.toString();
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String readToken(Path file) {
        try {
            String token = Files.readString(file).trim();
            if (token.isEmpty()) {
                throw new CliErrors.CliFailure("token file is empty: " + file, 2);
            }
            return token;
        } catch (NoSuchFileException e) {
            throw new CliErrors.CliFailure("token file not found: " + file, 2);
        } catch (IOException e) {
            throw new CliErrors.CliFailure("cannot read token file " + file + ": " + e.getMessage(), 2);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parseArgs(String json) {
        try {
            Object value = McpJsonDefaults.getMapper().readValue(json, Object.class);
            if (!(value instanceof Map)) {
                throw new CliErrors.CliFailure("--args must be a JSON object", 2);
            }
            return (Map<String, Object>) value;
        } catch (IOException e) {
            throw new CliErrors.CliFailure("--args is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), 2);
        }
    }
}
