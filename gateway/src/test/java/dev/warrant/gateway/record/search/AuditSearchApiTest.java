package dev.warrant.gateway.record.search;

import dev.warrant.delegation.MintSpec;
import dev.warrant.gateway.TestGateway;
import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.approval.ApprovalApi;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /admin/audit} on a real gateway, after real allowed and denied calls. */
class AuditSearchApiTest {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static TestGateway gateway;
    static String auditor;
    static String researcher;

    @BeforeAll
    static void start() throws Exception {
        gateway = new TestGateway(null, null);
        auditor = gateway.minter.mint(MintSpec.builder("alice").right("admin", AdminApi.AREA, AuditSearchApi.READ)
                .ttl(Duration.ofHours(1)).build());
        researcher = gateway.minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .ttl(Duration.ofHours(1)).build());
        String session = initialize(researcher);
        for (int i = 0; i < 3; i++) {
            assertThat(call(researcher, session, 10 + i, "notes__read_note",
                    new JsonObject().put("path", "/notes/public/hello.md")).statusCode()).isEqualTo(200);
        }
        // Not granted: denied (and recorded) like any refused call.
        assertThat(call(researcher, session, 20, "notes__write_note",
                new JsonObject().put("path", "/notes/public/x.md").put("text", "x")).statusCode()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void anAuditorFindsTheDeniedCallWithItsChainAndTrace() throws Exception {
        HttpResponse<String> r = get("/admin/audit?caller=planner&decision=deny", auditor);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonArray lines = new JsonObject(r.body()).getJsonArray("lines");
        assertThat(lines).hasSize(1);
        JsonObject denied = lines.getJsonObject(0);
        assertThat(denied.getString("target")).isEqualTo("notes__write_note");
        assertThat(denied.getString("decision")).isEqualTo("deny");
        assertThat(denied.getString("reason")).isNotEqualTo("allowed");
        assertThat(denied.getJsonArray("chain").getList()).containsExactly("planner");
        assertThat(denied.getString("traceId")).matches("[0-9a-f]{32}");
        assertThat(denied.getLong("seq")).isPositive();
        assertThat(denied.getString("member")).isNotBlank();

        JsonArray allowed = new JsonObject(get("/admin/audit?tool=notes__read_note&decision=allow", auditor).body())
                .getJsonArray("lines");
        assertThat(allowed).hasSize(3);
        assertThat(allowed.getJsonObject(0).getLong("seq")).isGreaterThan(allowed.getJsonObject(2).getLong("seq"));
    }

    @Test
    void pagesFollowTheCursorWithoutRepeatingALine() throws Exception {
        JsonObject first = new JsonObject(get("/admin/audit?chainMember=planner&limit=2", auditor).body());
        assertThat(first.getJsonArray("lines")).hasSize(2);
        String cursor = first.getString("nextCursor");
        assertThat(cursor).matches("[A-Za-z0-9_-]+");
        JsonObject second = new JsonObject(get("/admin/audit?chainMember=planner&limit=2&cursor=" + cursor, auditor).body());
        assertThat(second.getJsonArray("lines")).isNotEmpty();
        assertThat(second.getJsonArray("lines").getJsonObject(0).getLong("seq"))
                .isLessThan(first.getJsonArray("lines").getJsonObject(1).getLong("seq"));
    }

    @Test
    void theRouteNeedsAuditReadAndRefusesWhatItCannotUse() throws Exception {
        assertThat(reason(get("/admin/audit", null), 401)).isEqualTo("token_missing");
        String approver = gateway.minter.mint(MintSpec.builder("bob").right("admin", AdminApi.AREA, ApprovalApi.READ)
                .ttl(Duration.ofHours(1)).build());
        assertThat(get("/admin/audit", approver).statusCode()).isEqualTo(403);
        assertThat(get("/admin/audit", researcher).statusCode()).isEqualTo(403);

        for (String query : List.of("limit=0", "limit=201", "limit=ten", "from=yesterday", "colour=red",
                "caller=a&caller=b", "from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z")) {
            assertThat(reason(get("/admin/audit?" + query, auditor), 400)).as(query).isEqualTo("audit_query_invalid");
        }
        for (String cursor : List.of("garbage", "AQ", "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")) {
            assertThat(reason(get("/admin/audit?cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8), auditor), 400))
                    .as(cursor).isEqualTo("audit_cursor_invalid");
        }
    }

    private static String reason(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return new JsonObject(r.body()).getJsonObject("error").getString("reason");
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.gateway.baseUrl() + path))
                .timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String initialize(String token) throws Exception {
        HttpResponse<String> r = post(new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize")
                .put("params", new JsonObject().put("protocolVersion", "2025-06-18").put("capabilities", new JsonObject())
                        .put("clientInfo", new JsonObject().put("name", "audit-search-test").put("version", "1"))),
                token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String session = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
        post(new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/initialized"), token, session);
        return session;
    }

    private static HttpResponse<String> call(String token, String session, int id, String tool, JsonObject arguments)
            throws Exception {
        return post(new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", "tools/call")
                .put("params", new JsonObject().put("name", tool).put("arguments", arguments)), token, session);
    }

    private static HttpResponse<String> post(JsonObject body, String token, String session) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.mcpUrl()).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        if (session != null) {
            b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
