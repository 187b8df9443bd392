package dev.warrant.gateway.modern;

import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import dev.warrant.gateway.PythonProcess;
import dev.warrant.gateway.TestGateway;
import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.upstream.AdminClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code subscriptions/listen} (2026-07-28): the acknowledgement first, then change notifications tagged with the
 * subscription id, only for changes the caller may see; a revoked token's stream ends with {@code revoked}.
 * The changes are real: upstreams registered through the admin API while the streams are open.
 */
class ListenTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static PythonProcess fixture;
    private static TestGateway gw;
    private static String admin;

    @BeforeAll
    static void start() throws Exception {
        fixture = PythonProcess.fixtureServer();
        gw = new TestGateway(null, null, UnaryOperator.identity());
        admin = gw.minter.mint(MintSpec.builder("ops").right("admin", AdminApi.AREA, "*").ttl(Duration.ofHours(1)).build());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    /** An open listen stream: the JSON-RPC messages of its SSE events, as they arrive. */
    private record Listen(HttpResponse<Stream<String>> response, BlockingQueue<JsonObject> messages) {
        JsonObject next() throws InterruptedException {
            JsonObject m = messages.poll(20, TimeUnit.SECONDS);
            assertThat(m).as("a message on the listen stream within 20 s").isNotNull();
            return m;
        }
    }

    private static Listen listen(String token, Object id, JsonObject notifications) throws Exception {
        HttpResponse<Stream<String>> response = HTTP.send(ModernCalls.request(gw.mcpUrl(), token, id,
                "subscriptions/listen", null, new JsonObject().put("notifications", notifications), new JsonObject()),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> response.body().filter(l -> l.startsWith("data:"))
                .forEach(l -> messages.add(new JsonObject(l.substring(5).trim()))), "listen-reader-" + id);
        reader.setDaemon(true);
        reader.start();
        return new Listen(response, messages);
    }

    private static JsonObject http(String url) {
        return new JsonObject().put("transport", "http").put("url", url).put("timeout", "PT20S");
    }

    @Test
    void changesReachOnlyTheSubscriptionsWhoseCallerMaySeeThemUntilTheTokenIsRevoked() throws Exception {
        String agent = gw.minter.mint(MintSpec.builder("listener").right("tool", "acme", "echo")
                .right("tool", "beta", "echo").ttl(Duration.ofHours(1)).build());
        String bystander = gw.minter.mint(MintSpec.builder("bystander").right("tool", "beta", "echo")
                .ttl(Duration.ofHours(1)).build());
        Listen mine = listen(agent, "sub-1", new JsonObject().put("toolsListChanged", true)
                .put("resourceSubscriptions", List.of("fixture://hello")));
        Listen theirs = listen(bystander, 42, new JsonObject().put("toolsListChanged", true));

        JsonObject ack = mine.next();
        assertThat(ack.getString("method")).isEqualTo("notifications/subscriptions/acknowledged");
        assertThat(ack.getJsonObject("params").getJsonObject("_meta").getValue(MetaKeys.SUBSCRIPTION_ID)).isEqualTo("sub-1");
        // Honoured: tool list changes; not resource subscriptions (left out, as the revision allows).
        assertThat(ack.getJsonObject("params").getJsonObject("notifications"))
                .isEqualTo(new JsonObject().put("toolsListChanged", true));
        assertThat(theirs.next().getJsonObject("params").getJsonObject("_meta").getValue(MetaKeys.SUBSCRIPTION_ID))
                .isEqualTo(42);

        // acme: only the listener may see its tools. beta: both may.
        URI base = gw.gateway.baseUrl();
        assertThat(AdminClient.put(base, admin, "acme", http(fixture.mcpUrl().toString())).statusCode()).isEqualTo(201);
        JsonObject changed = mine.next();
        assertThat(changed.getString("method")).isEqualTo("notifications/tools/list_changed");
        assertThat(changed.getJsonObject("params").getJsonObject("_meta").getValue(MetaKeys.SUBSCRIPTION_ID)).isEqualTo("sub-1");
        assertThat(AdminClient.put(base, admin, "beta", http(fixture.mcpUrl().toString())).statusCode()).isEqualTo(201);
        assertThat(mine.next().getString("method")).isEqualTo("notifications/tools/list_changed");
        // Changes are sent in order: the bystander's first is beta's, so it was never told of acme.
        JsonObject first = theirs.next();
        assertThat(first.getString("method")).isEqualTo("notifications/tools/list_changed");
        assertThat(first.getJsonObject("params").getJsonObject("_meta").getValue(MetaKeys.SUBSCRIPTION_ID)).isEqualTo(42);
        assertThat(theirs.messages()).isEmpty();

        // Revoking the listener's token ends its stream with 'revoked'; the bystander's stays open.
        String root = new Verifier(KeyRing.of(gw.rootKey.publicKey()), VerifierSettings.defaults(), Clock.systemUTC())
                .verify(agent).revocationIds().get(0);
        HttpResponse<String> revoke = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/admin/revocations"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("revocationId", root)
                        .put("reason", "test").encode())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(200);
        JsonObject end = mine.next();
        assertThat(end.getValue("id")).isEqualTo("sub-1");
        assertThat(end.getJsonObject("error").getJsonObject("data").getString("reason")).isEqualTo("revoked");
        assertThat(theirs.messages()).isEmpty();
        theirs.response().body().close();
    }
}
