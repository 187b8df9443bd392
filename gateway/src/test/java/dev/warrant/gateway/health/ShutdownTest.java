package dev.warrant.gateway.health;

import dev.warrant.delegation.MintSpec;
import dev.warrant.gateway.JavaUpstreams;
import dev.warrant.gateway.SlowUpstream;
import dev.warrant.gateway.TestGateway;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.modern.ModernCalls;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code /readyz} and a graceful stop: ready once the static upstreams connected; when stopping, not ready but
 * still serving for the drain, then no new connection, and a call that does not finish within the grace period is
 * cancelled upstream.
 */
class ShutdownTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private TestGateway gw;
    private Path upstreamLog;

    @BeforeEach
    void start() throws Exception {
        upstreamLog = Files.createTempFile("warrant-shutdown", ".log");
        GatewayConfig.Upstream slow = new GatewayConfig.Upstream(JavaUpstreams.stdio("slow", SlowUpstream.class,
                List.of(upstreamLog.toString()), Map.of(), Duration.ofSeconds(60)), Map.of());
        gw = new TestGateway(null, null, List.of(slow), null,
                b -> b.shutdown(new ShutdownSettings(Duration.ofSeconds(1), Duration.ofSeconds(2))));
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gw.gateway.baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aStoppingMemberDrainsThenLetsItsCallsFinishForTheGracePeriodAndCancelsTheRest() throws Exception {
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get("/readyz");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(new JsonObject(ready.body()).getBoolean("ready")).isTrue();

        String token = gw.minter.mint(MintSpec.builder("agent").right("tool", "slow", "*").ttl(Duration.ofMinutes(5)).build());
        CompletableFuture<HttpResponse<String>> inFlight = HTTP.sendAsync(ModernCalls.toolCall(gw.mcpUrl(), token, 1,
                "slow__slow", new JsonObject(), new JsonObject(), new JsonObject()), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(upstreamLog).contains("started "));

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(gw.gateway::close);
        // Draining: not ready, but requests are still served.
        HttpResponse<String> draining = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> get("/readyz"), r -> r.statusCode() == 503);
        assertThat(new JsonObject(draining.body()).getJsonArray("waitingFor").getList()).containsExactly("stopping");
        HttpResponse<String> served = HTTP.send(ModernCalls.toolCall(gw.mcpUrl(), token, 2, "slow__hold",
                new JsonObject(), new JsonObject(), new JsonObject()), HttpResponse.BodyHandlers.ofString());
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);

        // The call that never finishes is cut at the end of the grace period and cancelled upstream.
        stopping.get(60, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(upstreamLog).contains("cancelled "));
        assertThat(inFlight).failsWithin(Duration.ofSeconds(20));
        // The port is closed: nothing new gets in.
        assertThatThrownBy(() -> get("/healthz")).isInstanceOf(IOException.class);
    }
}
