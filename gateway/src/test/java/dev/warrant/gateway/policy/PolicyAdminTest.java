package dev.warrant.gateway.policy;

import dev.warrant.delegation.MintSpec;
import dev.warrant.gateway.TestGateway;
import dev.warrant.gateway.admin.AdminApi;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A policy change that does not parse is refused, and the admin API says why (file, line, message). */
class PolicyAdminTest {

    static Path dir;
    static TestGateway gw;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("warrant-policies");
        Files.writeString(dir.resolve("10-guard.datalog"), "deny if request(\"tool\", \"notes\", \"write_note\");\n");
        gw = new TestGateway(null, null, b -> b.policiesDir(dir));
        admin = gw.minter.mint(MintSpec.builder("ops").right("admin", AdminApi.AREA, "*").ttl(Duration.ofMinutes(10)).build());
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void statusShowsTheSetInForceAndTheLastRefusedChange() throws Exception {
        JsonObject first = status(admin);
        assertThat(first.getString("source")).isEqualTo("directory");
        assertThat(first.getInteger("version")).isEqualTo(1);
        assertThat(first.getJsonArray("files").getList()).containsExactly("10-guard.datalog");
        assertThat(first.getValue("lastError")).isNull();

        Files.writeString(dir.resolve("20-broken.datalog"), "// a typo\nallow if request(;\n");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(status(admin).getString("lastError")).contains("20-broken.datalog:2"));
        assertThat(status(admin).getInteger("version")).as("the previous set stays in force").isEqualTo(1);

        Files.delete(dir.resolve("20-broken.datalog"));
        Files.writeString(dir.resolve("10-guard.datalog"), "deny if request(\"tool\", \"notes\", \"read_note\");\n");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status(admin).getInteger("version")).isEqualTo(2));
        assertThat(status(admin).getValue("lastError")).isNull();
    }

    @Test
    void statusNeedsAnAdminRight() throws Exception {
        String agent = gw.minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .ttl(Duration.ofMinutes(10)).build());
        assertThat(get(agent).statusCode()).isEqualTo(403);
        assertThat(get(null).statusCode()).isEqualTo(401);
    }

    private static JsonObject status(String token) throws Exception {
        HttpResponse<String> r = get(token);
        assertThat(r.statusCode()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    private static HttpResponse<String> get(String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.gateway.baseUrl() + "/admin/policies")).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
