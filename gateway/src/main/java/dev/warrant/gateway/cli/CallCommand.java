package dev.warrant.gateway.cli;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import dev.warrant.gateway.record.AuditReceipt;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A small MCP client (the MCP Java SDK over Streamable HTTP) for trying a gateway by hand: lists the tools
 * the token may see, then optionally calls one and keeps the answer's signed receipt (docs/ARCHITECTURE.md §11.37).
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

    @Option(names = "--receipt-file", paramLabel = "FILE",
            description = "Save the call's signed receipt (allowed or refused) to FILE, for 'warrant receipt verify'.")
    Path receiptFile;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        checkReceiptFile();
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
                    throw new CliErrors.CliFailure(
                            "refused (" + refusal + "): the gateway does not accept this token", 1);
                }
                throw new CliErrors.CliFailure("cannot connect to " + url + ": " + CliErrors.message(e)
                        + " (is the gateway running, and is the token valid?)", 1);
            }
            out.println("Tools this token may use:");
            for (McpSchema.Tool t : client.listTools().tools()) {
                out.println("  " + t.name() + (t.description() == null ? "" : " - " + t.description()));
            }
            if (tool == null) {
                out.flush();
                return 0;
            }
            out.println("Calling " + tool + " " + args);
            out.flush();
            McpSchema.CallToolResult result;
            try {
                result = client.callTool(new McpSchema.CallToolRequest(tool, arguments));
            } catch (McpError e) {
                McpSchema.JSONRPCResponse.JSONRPCError error = e.getJsonRpcError();
                String reason = error.data() instanceof Map<?, ?> data && data.get("reason") != null
                        ? " (" + data.get("reason") + ")" : "";
                String detail = error.data() instanceof Map<?, ?> data && data.get("detail") != null
                        ? ": " + data.get("detail") : "";
                String refusal = "refused" + reason + ": " + error.message() + detail;
                try {
                    keepReceipt(error.data() instanceof Map<?, ?> data ? data.get("_meta") : null, out);
                } catch (CliErrors.CliFailure noReceipt) {
                    throw new CliErrors.CliFailure(refusal + "; " + noReceipt.getMessage(), noReceipt.exitCode);
                }
                throw new CliErrors.CliFailure(refusal, 1);
            }
            for (McpSchema.Content c : result.content()) {
                out.println(c instanceof McpSchema.TextContent text ? text.text() : String.valueOf(c));
            }
            keepReceipt(result.meta(), out);
            return Boolean.TRUE.equals(result.isError()) ? 1 : 0;
        }
    }

    /** Before calling anything: a call whose receipt could not be kept should not be made. */
    private void checkReceiptFile() {
        if (receiptFile == null) {
            return;
        }
        if (tool == null) {
            throw new CliErrors.CliFailure(
                    "--receipt-file needs --tool: only a tool call is answered with a receipt", 2);
        }
        Path parent = receiptFile.toAbsolutePath().getParent();
        if (Files.isDirectory(receiptFile)) {
            throw unwritable("it is a directory");
        }
        if (parent == null || !Files.isDirectory(parent)) {
            throw unwritable("no such directory");
        }
        if (!Files.isWritable(parent) || Files.exists(receiptFile) && !Files.isWritable(receiptFile)) {
            throw unwritable("permission denied");
        }
    }

    /**
     * With --receipt-file, writes the receipt found in an answer's {@code _meta} to that file. An answer without
     * one (a gateway with {@code audit.receipts: false}, or not a Warrant gateway) fails the command: the user
     * asked for evidence and got none.
     */
    private void keepReceipt(Object meta, PrintWriter out) {
        if (receiptFile == null) {
            return;
        }
        Object receipt = meta instanceof Map<?, ?> m ? m.get(AuditReceipt.META_KEY) : null;
        out.flush();
        if (!(receipt instanceof Map<?, ?> fields)) {
            throw new CliErrors.CliFailure("the answer carries no receipt (are receipts off on this gateway?); "
                    + receiptFile + " not written", 1);
        }
        @SuppressWarnings("unchecked")
        JsonObject json = new JsonObject((Map<String, Object>) fields);
        try {
            Files.writeString(receiptFile, json.encodePrettily() + "\n", StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw unwritable("no such directory");
        } catch (AccessDeniedException e) {
            throw unwritable("permission denied");
        } catch (IOException e) {
            throw unwritable(CliErrors.message(e));
        }
        out.println("Receipt (" + json.getValue("decision") + ", audit line " + json.getValue("seq") + " of member "
                + json.getValue("member") + ") saved to " + receiptFile);
        out.flush();
    }

    /** A usage error (exit 2): the receipt file cannot be written, and why. */
    private CliErrors.CliFailure unwritable(String why) {
        return new CliErrors.CliFailure("cannot write receipt file " + receiptFile + ": " + why, 2);
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
            String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new CliErrors.CliFailure("--args is not valid JSON: " + first, 2);
        }
    }
}
