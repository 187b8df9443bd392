package dev.warrant.gateway.transport;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The agent port served by several event loops: one port, connections spread over the loops, one close. */
class AgentListenersTest {

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void connectionsToTheOnePortAreServedByDifferentEventLoops() throws Exception {
        AgentListeners listeners = AgentListeners.listen(vertx, new HttpServerOptions(),
                request -> request.response().end(Thread.currentThread().getName()), "127.0.0.1", 0, 2);
        assertThat(listeners.loops()).isEqualTo(2);
        assertThat(listeners.actualPort()).isPositive();

        Set<String> threads = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            // A client per request: a new connection each time, handed to the servers in turn.
            HttpClient client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(1));
            try {
                threads.add(client.request(HttpMethod.GET, listeners.actualPort(), "127.0.0.1", "/")
                        .compose(r -> r.send().compose(HttpClientResponse::body))
                        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).toString());
            } finally {
                client.close();
            }
        }
        assertThat(threads).hasSize(2).allMatch(name -> name.startsWith("vert.x-eventloop-thread-"));

        listeners.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        HttpClient client = vertx.createHttpClient();
        // Closed means nothing answers any more. Whether the OS refuses the connection or resets one it had
        // already queued is its business: the request fails either way, and that is what is checked.
        assertThatThrownBy(() -> client.request(HttpMethod.GET, listeners.actualPort(), "127.0.0.1", "/")
                .compose(r -> r.send()).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class);
    }

    @Test
    void neverMoreServersThanTheVertxInstanceHasEventLoops() throws Exception {
        AgentListeners listeners = AgentListeners.listen(vertx, new HttpServerOptions(),
                request -> request.response().end(), "127.0.0.1", 0, 64);
        try {
            assertThat(listeners.loops()).isEqualTo(4);
        } finally {
            listeners.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }
}
