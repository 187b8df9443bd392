package dev.warrant.gateway.record;

import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.RootPublicKey;
import dev.warrant.gateway.TestGateway;
import dev.warrant.gateway.modern.ModernCalls;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real gateway (notes server upstream): an allowed and a denied tools/call, in a 2025 session and as 2026-07-28
 * requests, each answered with a receipt that verifies with the state dir's audit.pub and matches its audit line;
 * other methods carry none (docs/ARCHITECTURE.md §11.37).
 */
class ReceiptGatewayTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static TestGateway gw;
    static String token;
    static Map<String, RootPublicKey> keys;

    @BeforeAll
    static void start() throws Exception {
        gw = new TestGateway(null, null);
        token = gw.minter.mint(MintSpec.builder("receipt-agent").right("tool", "notes", "list_notes")
                .ttl(Duration.ofMinutes(30)).build());
        String hex = Files.readString(gw.stateDir.resolve(AuditSeal.PUB_FILE), StandardCharsets.US_ASCII).trim();
        String id = KeyFiles.defaultKeyId(hex);
        keys = Map.of(id, new RootPublicKey(id, hex));
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void a2025SessionsAllowedAndDeniedCallsCarryReceiptsThatVerifyAndMatchTheirLines() throws Exception {
        URI mcp = gw.mcpUrl();
        HttpResponse<String> init = post(mcp, rpc(1, "initialize", new JsonObject().put("protocolVersion", "2025-11-25")
                .put("capabilities", new JsonObject()).put("clientInfo", new JsonObject().put("name", "t").put("version", "1"))),
                null);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        post(mcp, new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/initialized"), session);

        JsonObject allowed = new JsonObject(post(mcp, call(2, "notes__list_notes"), session).body());
        AuditReceipt a = checked(allowed.getJsonObject("result").getJsonObject("_meta").getJsonObject(AuditReceipt.META_KEY));
        assertThat(a.decision()).isEqualTo("allow");
        assertThat(a.tool()).isEqualTo("notes__list_notes");
        assertThat(a.caller()).isEqualTo("receipt-agent");

        HttpResponse<String> deniedResponse = post(mcp, call(3, "notes__read_note"), session);
        assertThat(deniedResponse.statusCode()).isEqualTo(200); // a denial is a JSON-RPC error (§11.2)
        JsonObject data = new JsonObject(deniedResponse.body()).getJsonObject("error").getJsonObject("data");
        // A tool the token does not grant is hidden: unknown_tool. The fields error.data had stay.
        assertThat(data.getString("reason")).isEqualTo("unknown_tool");
        AuditReceipt d = checked(data.getJsonObject("_meta").getJsonObject(AuditReceipt.META_KEY));
        assertThat(d.decision()).isEqualTo("deny");
        assertThat(d.reason()).isEqualTo("unknown_tool");
        assertThat(d.argumentDigest()).startsWith("sha256:");
        assertThat(d.seq()).isGreaterThan(a.seq());

        JsonObject list = new JsonObject(post(mcp, rpc(4, "tools/list", new JsonObject()), session).body());
        JsonObject meta = list.getJsonObject("result").getJsonObject("_meta");
        assertThat(meta == null || !meta.containsKey(AuditReceipt.META_KEY)).as("tools/list gets no receipt").isTrue();
    }

    @Test
    void a2026RequestsAllowedAndDeniedCallsCarryReceiptsThatVerifyAndMatchTheirLines() throws Exception {
        HttpResponse<String> ok = HTTP.send(ModernCalls.toolCall(gw.mcpUrl(), token, 7, "notes__list_notes",
                new JsonObject(), new JsonObject(), new JsonObject()), HttpResponse.BodyHandlers.ofString());
        JsonObject result = new JsonObject(ok.body()).getJsonObject("result");
        assertThat(result.getString("resultType")).isEqualTo("complete");
        assertThat(result.getJsonObject("_meta").fieldNames()).contains("io.modelcontextprotocol/serverInfo");
        assertThat(checked(result.getJsonObject("_meta").getJsonObject(AuditReceipt.META_KEY)).decision()).isEqualTo("allow");

        HttpResponse<String> no = HTTP.send(ModernCalls.toolCall(gw.mcpUrl(), token, 8, "notes__read_note",
                new JsonObject().put("path", "x.md"), new JsonObject(), new JsonObject()), HttpResponse.BodyHandlers.ofString());
        JsonObject data = new JsonObject(no.body()).getJsonObject("error").getJsonObject("data");
        assertThat(checked(data.getJsonObject("_meta").getJsonObject(AuditReceipt.META_KEY)).decision()).isEqualTo("deny");
    }

    /** The receipt verifies with audit.pub and its line, in the gateway's audit log, is the one it names. */
    private static AuditReceipt checked(JsonObject json) throws Exception {
        assertThat(json).as("receipt").isNotNull();
        assertThat(json.encode()).doesNotContain(token);
        AuditReceipt r = AuditReceipt.fromJson(json);
        assertThat(ReceiptCheck.signature(r, keys)).isEmpty();
        ReceiptCheck.Result line = ReceiptCheck.line(r, List.of(gw.stateDir.resolve("audit.log")));
        assertThat(line.finding()).isNull();
        return r;
    }

    private static JsonObject rpc(int id, String method, JsonObject params) {
        return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", method).put("params", params);
    }

    private static JsonObject call(int id, String tool) {
        return rpc(id, "tools/call", new JsonObject().put("name", tool).put("arguments", new JsonObject().put("path", "a.md")));
    }

    private static HttpResponse<String> post(URI url, JsonObject body, String session) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        if (session != null) {
            b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
