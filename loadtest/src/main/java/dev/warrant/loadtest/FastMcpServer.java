package dev.warrant.loadtest;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * The benchmark's upstream over Streamable HTTP: one Vert.x server (one event loop, like the gateway's own),
 * POST /mcp answered with plain {@code application/json}, notifications with 202. No GET stream (405, which
 * the spec allows), no session state beyond handing out an id. Usage: {@code FastMcpServer PORT [--2026]}
 * (with {@code --2026} it also speaks MCP 2026-07-28: {@code server/discover}, stateless requests); prints
 * {@code listening PORT} once it accepts connections.
 */
public final class FastMcpServer {

    private FastMcpServer() {}

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        boolean modern = args.length > 1 && "--2026".equals(args[1]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        HttpServer server = vertx.createHttpServer().requestHandler(request -> handle(request, modern));
        server.listen(port, "127.0.0.1").onComplete(ar -> {
            if (ar.failed()) {
                System.err.println("loadtest: cannot listen on 127.0.0.1:" + port + ": " + ar.cause().getMessage());
                System.exit(1);
            }
            System.out.println("listening " + ar.result().actualPort());
        });
    }

    private static void handle(HttpServerRequest request, boolean modern) {
        if (!"/mcp".equals(request.path())) {
            request.response().setStatusCode(404).end();
            return;
        }
        if (request.method() == HttpMethod.DELETE) {
            request.response().setStatusCode(200).end();
            return;
        }
        if (request.method() != HttpMethod.POST) {
            request.response().setStatusCode(405).putHeader("Allow", "POST, DELETE").end();
            return;
        }
        request.body().onSuccess(body -> {
            JsonObject message;
            try {
                message = body.toJsonObject();
            } catch (DecodeException | ClassCastException e) {
                request.response().setStatusCode(400).end();
                return;
            }
            JsonObject reply = EchoMcp.handle(message, modern);
            if (reply == null) {
                request.response().setStatusCode(202).end();
                return;
            }
            if ("initialize".equals(message.getString("method"))) {
                request.response().putHeader("Mcp-Session-Id", UUID.randomUUID().toString());
            }
            request.response().putHeader("Content-Type", "application/json").end(reply.toBuffer());
        });
    }
}
