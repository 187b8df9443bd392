package dev.warrant.loadtest;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code warrant-jwt} scenario's key endpoint: {@code GET /jwks} answers the JWKS file {@link JwtIssuer}
 * wrote, anything else 404. Its own process like every target; the gateway reads it at start (and again only on
 * an unknown key id), so it does no work while calls are measured. Usage: {@code JwksServer PORT FILE}; prints
 * {@code listening PORT} once it accepts connections.
 */
public final class JwksServer {

    static final String PATH = "/jwks";

    private JwksServer() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String jwks = Files.readString(Path.of(args[1]));
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        vertx.createHttpServer().requestHandler(request -> {
            if (PATH.equals(request.path())) {
                request.response().putHeader("Content-Type", "application/json").end(jwks);
            } else {
                request.response().setStatusCode(404).end();
            }
        }).listen(port, "127.0.0.1").onComplete(ar -> {
            if (ar.failed()) {
                System.err.println("loadtest: cannot listen on 127.0.0.1:" + port + ": " + ar.cause().getMessage());
                System.exit(1);
            }
            System.out.println("listening " + ar.result().actualPort());
        });
    }
}
