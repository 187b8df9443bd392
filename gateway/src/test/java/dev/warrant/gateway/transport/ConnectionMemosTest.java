package dev.warrant.gateway.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warrant.gateway.auth.BearerMemo;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real connections on loopback: one memo per connection, shared by its requests, gone when it closes. */
class ConnectionMemosTest {

    private final Vertx vertx = Vertx.vertx();
    private final ConnectionMemos memos = new ConnectionMemos();
    private final List<BearerMemo> seen = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = vertx.createHttpServer()
                .requestHandler(req -> {
                    seen.add(memos.of(req.connection()));
                    req.response().end("ok");
                })
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void requestsOnOneConnectionShareAMemoAndAnotherConnectionHasItsOwn() throws Exception {
        HttpClientAgent one = client();
        get(one);
        get(one);
        HttpClientAgent two = client();
        get(two);

        assertThat(seen).hasSize(3);
        assertThat(seen.get(1)).as("same keep-alive connection").isSameAs(seen.get(0));
        assertThat(seen.get(2)).as("another connection").isNotSameAs(seen.get(0));
        assertThat(memos.size()).isEqualTo(2);

        one.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> memos.size() == 1);
        two.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> memos.size() == 0);
    }

    /** A client with a single keep-alive connection, so its requests share it. */
    private HttpClientAgent client() {
        return vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(1));
    }

    private void get(HttpClient client) throws Exception {
        String body = client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
                .compose(r -> r.send().compose(res -> res.body()))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).toString();
        assertThat(body).isEqualTo("ok");
    }
}
