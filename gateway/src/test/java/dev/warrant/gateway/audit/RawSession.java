package dev.warrant.gateway.audit;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 2025 session spoken as raw HTTP to a {@code warrant serve} process, for tests that drive it hard (many calls
 * from many threads) and then read its files: initialize, then {@code tools/call}s on one session.
 */
final class RawSession {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI mcp;
    private final String token;
    private final String id;

    private RawSession(URI mcp, String token, String id) {
        this.mcp = mcp;
        this.token = token;
        this.id = id;
    }

    /** Initializes a session (and says so) as {@code clientName}. */
    static RawSession open(URI mcp, String token, String clientName) throws Exception {
        HttpResponse<String> r = post(mcp, new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize")
                .put("params", new JsonObject().put("protocolVersion", "2025-06-18").put("capabilities", new JsonObject())
                        .put("clientInfo", new JsonObject().put("name", clientName).put("version", "1"))).encode(),
                "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String session = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
        post(mcp, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", "Authorization", "Bearer " + token,
                "Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-06-18");
        return new RawSession(mcp, token, session);
    }

    /** One {@code tools/call} on this session, with {@code bearer} (the session's own token or another). */
    HttpResponse<String> call(String bearer, int requestId, String tool, JsonObject arguments) throws Exception {
        String body = new JsonObject().put("jsonrpc", "2.0").put("id", requestId).put("method", "tools/call")
                .put("params", new JsonObject().put("name", tool).put("arguments", arguments)).encode();
        return post(mcp, body, "Authorization", "Bearer " + bearer, "Mcp-Session-Id", id,
                "MCP-Protocol-Version", "2025-06-18");
    }

    HttpResponse<String> call(int requestId, String tool, JsonObject arguments) throws Exception {
        return call(token, requestId, tool, arguments);
    }

    private static HttpResponse<String> post(URI url, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
