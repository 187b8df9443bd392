package dev.warrant.gateway.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Test upstream: a raw stdio MCP server with one tool, {@code die}, whose call makes the process exit with code 3
 * (so the gateway sees its upstream's process die). Run: {@code java -cp ... dev.warrant.gateway.admin.DyingUpstream}
 */
public final class DyingUpstream {

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            JsonObject msg = new JsonObject(line);
            String method = msg.getString("method");
            Object id = msg.getValue("id");
            if (method == null || id == null) {
                continue;
            }
            JsonObject result = switch (method) {
                case "initialize" -> new JsonObject()
                        .put("protocolVersion", msg.getJsonObject("params").getString("protocolVersion", "2025-06-18"))
                        .put("capabilities", new JsonObject().put("tools", new JsonObject()))
                        .put("serverInfo", new JsonObject().put("name", "dying").put("version", "1"));
                case "tools/list" -> new JsonObject().put("tools", new JsonArray().add(new JsonObject()
                        .put("name", "die").put("description", "ends this process")
                        .put("inputSchema", new JsonObject().put("type", "object"))));
                case "tools/call" -> {
                    System.exit(3);
                    yield null;
                }
                default -> new JsonObject();
            };
            out.println(new JsonObject().put("jsonrpc", "2.0").put("id", id).put("result", result).encode());
        }
    }
}
