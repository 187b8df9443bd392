package dev.warrant.gateway;

import dev.warrant.delegation.RootPublicKey;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.config.RiskRules;
import dev.warrant.otel.Telemetry;
import io.vertx.core.json.JsonObject;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Two gateways in this JVM, each with its own Vert.x and Hazelcast member, joined in one loopback cluster:
 * member A (state in {@code stateDir/a}) with the given upstreams, member B ({@code stateDir/b}) with none.
 * Both are started in parallel; {@link #start} returns once B's {@code /admin/cluster} counts two members.
 */
final class TwoMembers implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    final Gateway a;
    final Gateway b;

    private TwoMembers(Gateway a, Gateway b) {
        this.a = a;
        this.b = b;
    }

    /** @param admin a token with the admin right, used to ask B how many members it sees */
    static TwoMembers start(RootPublicKey rootKey, Path stateDir, String clusterPrefix, RiskRules risk,
                            List<GatewayConfig.Upstream> upstreamsOfA, String admin) throws Exception {
        int portA = ProcessPorts.freePort();
        int portB = ProcessPorts.freePort();
        List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
        String cluster = clusterPrefix + UUID.randomUUID();
        CompletableFuture<Gateway> startA = CompletableFuture.supplyAsync(() -> start(common(rootKey, cluster, members, risk)
                .stateDir(stateDir.resolve("a")).clusterPort(portA).upstreams(upstreamsOfA).build()));
        CompletableFuture<Gateway> startB = CompletableFuture.supplyAsync(() -> start(common(rootKey, cluster, members, risk)
                .stateDir(stateDir.resolve("b")).clusterPort(portB).build()));
        TwoMembers two = new TwoMembers(startA.get(90, TimeUnit.SECONDS), startB.get(90, TimeUnit.SECONDS));
        try {
            await("the two members joined").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> two.membersSeenByB(admin) >= 2);
        } catch (Exception e) {
            two.close();
            throw e;
        }
        return two;
    }

    private static GatewayConfig.Builder common(RootPublicKey rootKey, String cluster, List<String> members, RiskRules risk) {
        return GatewayConfig.builder().host("127.0.0.1").port(0).rootKeys(List.of(rootKey)).clusterName(cluster)
                .clusterMembers(members).risk(risk);
    }

    private static Gateway start(GatewayConfig config) {
        try {
            return Gateway.start(config, Telemetry.noop(), Clock.systemUTC());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private int membersSeenByB(String admin) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(java.net.URI.create(b.baseUrl() + "/admin/cluster"))
                .header("Authorization", "Bearer " + admin).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? new JsonObject(r.body()).getInteger("members") : 0;
    }

    @Override
    public void close() {
        b.close();
        a.close();
    }
}
