package dev.warrant.loadtest;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.proxy.handler.ProxyHandler;
import io.vertx.httpproxy.HttpProxy;

/**
 * The baseline hop: a bare Vert.x reverse proxy (vertx-web-proxy over vertx-http-proxy), no authentication,
 * no parsing, one event loop like the gateway. Whatever Warrant costs beyond this is Warrant's own work.
 * Usage: {@code PassThroughProxy PORT UPSTREAM_PORT}; prints {@code listening PORT}.
 */
public final class PassThroughProxy {

    private PassThroughProxy() {}

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int upstreamPort = Integer.parseInt(args[1]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(64));
        HttpProxy proxy = HttpProxy.reverseProxy(client).origin(upstreamPort, "127.0.0.1");
        Router router = Router.router(vertx);
        router.route("/mcp").handler(ProxyHandler.create(proxy));
        vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1").onComplete(ar -> {
            if (ar.failed()) {
                System.err.println("loadtest: cannot listen on 127.0.0.1:" + port + ": " + ar.cause().getMessage());
                System.exit(1);
            }
            System.out.println("listening " + ar.result().actualPort());
        });
    }
}
