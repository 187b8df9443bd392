package dev.warrant.loadtest;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * The same server as {@link FastMcpServer} over stdio: newline-delimited JSON-RPC, one message per line,
 * answered in order on one thread and flushed per message. Exits when stdin closes.
 */
public final class StdioMcpServer {

    private StdioMcpServer() {}

    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            JsonObject reply;
            try {
                reply = EchoMcp.handle(new JsonObject(line));
            } catch (DecodeException e) {
                System.err.println("loadtest: not JSON: " + e.getMessage());
                continue;
            }
            if (reply != null) {
                out.write(reply.encode());
                out.write('\n');
                out.flush();
            }
        }
    }
}
