package dev.warrant.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Test upstream: a raw stdio MCP server (one JSON-RPC message per line) run as its own JVM. {@code slow} never
 * answers on its own — it stays in flight until cancelled; {@code hold} answers at once (tests give it a risk tier
 * that holds it for approval). It writes what it saw to {@code <log>}: {@code started <id>} when a slow call
 * arrives and {@code cancelled <id> <reason>} for every {@code notifications/cancelled}, so a test can check that a
 * cancellation really reached the upstream.
 * Run: {@code java -cp ... dev.warrant.gateway.SlowUpstream <log file>}
 */
public final class SlowUpstream {

    public static void main(String[] args) throws IOException {
        Path log = Path.of(args[0]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            JsonObject msg = new JsonObject(line);
            String method = msg.getString("method");
            Object id = msg.getValue("id");
            JsonObject params = msg.getJsonObject("params", new JsonObject());
            if (method == null || id == null && !"notifications/cancelled".equals(method)) {
                continue; // responses and other notifications need nothing
            }
            JsonObject result = switch (method) {
                case "initialize" -> new JsonObject()
                        .put("protocolVersion", params.getString("protocolVersion", "2025-06-18"))
                        .put("capabilities", new JsonObject().put("tools", new JsonObject()))
                        .put("serverInfo", new JsonObject().put("name", "slow").put("version", "1"));
                case "tools/list" -> new JsonObject().put("tools", new JsonArray()
                        .add(tool("slow", "stays in flight until cancelled"))
                        .add(tool("hold", "answers at once")));
                case "tools/call" -> {
                    if ("slow".equals(params.getString("name"))) {
                        append(log, "started " + id);
                        yield null;
                    }
                    yield new JsonObject().put("content", new JsonArray().add(new JsonObject()
                            .put("type", "text").put("text", "done")));
                }
                case "notifications/cancelled" -> {
                    append(log, "cancelled " + params.getValue("requestId") + " " + params.getString("reason", ""));
                    yield null;
                }
                default -> new JsonObject();
            };
            if (result != null) {
                out.println(new JsonObject().put("jsonrpc", "2.0").put("id", id).put("result", result).encode());
            }
        }
    }

    private static JsonObject tool(String name, String description) {
        return new JsonObject().put("name", name).put("description", description)
                .put("inputSchema", new JsonObject().put("type", "object"));
    }

    private static void append(Path log, String line) throws IOException {
        Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
