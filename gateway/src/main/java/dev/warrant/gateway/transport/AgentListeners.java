package dev.warrant.gateway.transport;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The agent port, served by several event loops: one HTTP server per event loop, all on the same port, and
 * Vert.x hands each new connection to the next server in turn (its "server sharing").
 *
 * <p>Why: with one server, one event-loop thread serves every call and saturates a core while others idle
 * (docs/ARCHITECTURE.md §11.13; docs/PERFORMANCE-HISTORY.md). A connection stays
 * on its event loop for its life, and so do the calls it carries (with the upstream HTTP leg, which runs on the
 * calling loop). Everything a request shares with other connections (sessions, caches, limits, catalogs) is
 * already safe across event loops, as an agent's several connections always needed.
 */
public final class AgentListeners {

    private static final long LISTEN_TIMEOUT_SECONDS = 30;

    private final List<HttpServer> servers;

    private AgentListeners(List<HttpServer> servers) {
        this.servers = List.copyOf(servers);
    }

    /**
     * Listens on {@code host:port} (0: one free port, shared by all) with {@code loops} servers, each on
     * its own event loop (fewer if {@code vertx} has fewer). Blocks the calling thread, which must not be an
     * event loop, until all listen or one fails.
     */
    public static AgentListeners listen(Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> handler,
                                        String host, int port, int loops) throws Exception {
        List<HttpServer> servers = new ArrayList<>();
        try {
            // Vert.x shares one socket among the servers that ask for the same address. Port 0 is never shared
            // (each would get its own free port); a negative port is Vert.x's "one free port, shared".
            int shared = port == 0 ? -1 : port;
            for (ContextInternal context : distinctEventLoops((VertxInternal) vertx, loops)) {
                servers.add(listenOn(context, vertx.createHttpServer(options).requestHandler(handler), host, shared));
            }
        } catch (Exception e) {
            servers.forEach(s -> s.close());
            throw e;
        }
        return new AgentListeners(servers);
    }

    /** Up to {@code wanted} contexts, each on a different event loop. */
    private static List<ContextInternal> distinctEventLoops(VertxInternal vertx, int wanted) {
        List<ContextInternal> contexts = new ArrayList<>();
        Set<EventLoop> loops = new HashSet<>();
        // The event-loop group hands out its loops in turn: after one full turn, no new loop will come.
        int turn = 0;
        for (EventExecutor ignored : vertx.nettyEventLoopGroup()) {
            turn++;
        }
        for (int i = 0; i < turn && contexts.size() < Math.max(1, wanted); i++) {
            ContextInternal context = vertx.createEventLoopContext();
            if (loops.add(context.nettyEventLoop())) {
                contexts.add(context);
            }
        }
        return contexts;
    }

    private static HttpServer listenOn(ContextInternal context, HttpServer server, String host, int port)
            throws Exception {
        Promise<HttpServer> listening = Promise.promise();
        // listen() binds the server to the context it is called on: that is how it gets its event loop.
        context.runOnContext(v -> server.listen(port, host).onComplete(listening));
        return listening.future().toCompletionStage().toCompletableFuture()
                .get(LISTEN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    public int actualPort() {
        return servers.get(0).actualPort();
    }

    /** How many event loops serve the port. */
    public int loops() {
        return servers.size();
    }

    public Future<Void> close() {
        return Future.all(servers.stream().map(HttpServer::close).toList()).mapEmpty();
    }

    /**
     * Stops taking connections at once, lets the requests in flight finish for up to {@code grace}, then closes
     * what is left (whose calls the gateway then cancels upstream, as for any client that went away).
     */
    public Future<Void> shutdown(java.time.Duration grace) {
        return Future.all(servers.stream().map(s -> s.shutdown(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
                .toList()).mapEmpty();
    }
}
