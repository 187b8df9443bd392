package dev.warrant.gateway;

import dev.warrant.delegation.MintSpec;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cursor pagination of list answers to agents, with {@code lists.pageSize} set to 2 on a real gateway: the
 * Java SDK client (which follows {@code nextCursor}) and a raw walk both see every visible tool exactly once,
 * and a cursor that is not ours, past the end, or from a list that changed gets JSON-RPC -32602.
 */
class ListPaginationTest {

    static TestGateway gw;
    static String everyNotesTool;
    static String readOnly;
    static String session;

    @BeforeAll
    static void start() throws Exception {
        gw = new TestGateway(null, null, b -> b.listPageSize(2));
        everyNotesTool = gw.minter.mint(MintSpec.builder("planner").right("tool", "notes", "*").ttl(Duration.ofHours(1)).build());
        readOnly = gw.minter.mint(MintSpec.builder("reader").right("tool", "notes", "read_note").ttl(Duration.ofHours(1)).build());
        session = initialize(gw.mcpUrl(), everyNotesTool);
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void theSdkClientAndARawWalkSeeEveryVisibleToolExactlyOnce() throws Exception {
        List<String> walked = walk(gw.mcpUrl(), everyNotesTool, session);
        assertThat(walked).doesNotHaveDuplicates()
                .contains("notes__read_note", "notes__write_note", "notes__list_notes")
                .hasSizeGreaterThan(4)
                .anyMatch(n -> n.startsWith("warrant__"));
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), everyNotesTool)) {
            // listTools() follows nextCursor to the end.
            assertThat(Agents.toolNames(client)).containsExactlyElementsOf(walked);
            McpSchema.ListToolsResult first = client.listTools(null);
            assertThat(first.tools()).hasSize(2);
            assertThat(first.nextCursor()).isNotBlank();
        }
        // The virtual server: its three tools under their own names, in two pages.
        URI notes = gw.gateway.baseUrl().resolve("/servers/notes/mcp");
        String notesSession = initialize(notes, everyNotesTool);
        assertThat(walk(notes, everyNotesTool, notesSession))
                .containsExactlyInAnyOrder("read_note", "write_note", "list_notes");
    }

    @Test
    void aListThatFitsOnOnePageHasNoCursor() throws Exception {
        String s = initialize(gw.gateway.baseUrl().resolve("/servers/notes/mcp"), readOnly);
        JsonObject result = list(gw.gateway.baseUrl().resolve("/servers/notes/mcp"), readOnly, s, null)
                .getJsonObject("result");
        assertThat(result.getJsonArray("tools")).hasSize(1);
        assertThat(result.containsKey("nextCursor")).isFalse();
    }

    @Test
    void cursorsThatAreNotOursOrOutOfRangeOrStaleAreInvalidParams() throws Exception {
        String cursor = list(gw.mcpUrl(), everyNotesTool, session, null).getJsonObject("result").getString("nextCursor");
        JsonObject decoded = new JsonObject(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
        String fingerprint = decoded.getString("f");

        refused("!!not base64!!", "cursor_invalid");
        refused(b64("not json"), "cursor_invalid");
        refused(b64("[1,2]"), "cursor_invalid");
        refused(b64(new JsonObject().put("o", "2").put("f", fingerprint).encode()), "cursor_invalid");
        refused(b64(new JsonObject().put("o", 2.5).put("f", fingerprint).encode()), "cursor_invalid");
        refused(b64(new JsonObject().put("o", -2).put("f", fingerprint).encode()), "cursor_invalid");
        refused(b64(new JsonObject().put("o", 10_000).put("f", fingerprint).encode()), "cursor_invalid");
        refused(b64(new JsonObject().put("o", 2).put("f", fingerprint).put("admin", true).encode()), "cursor_invalid");
        refused(12, "cursor_invalid");
        // One character changed in the fingerprint: as if the list had changed since.
        String tampered = fingerprint.charAt(0) == 'A' ? "B" + fingerprint.substring(1) : "A" + fingerprint.substring(1);
        refused(b64(new JsonObject().put("o", 2).put("f", tampered).encode()), "cursor_stale");

        // Another caller's list differs: its cursor is stale here, never an offset into someone else's list.
        String readerSession = initialize(gw.mcpUrl(), readOnly);
        JsonObject foreign = list(gw.mcpUrl(), readOnly, readerSession, cursor);
        assertThat(foreign.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
        assertThat(foreign.getJsonObject("error").getJsonObject("data").getString("detail")).startsWith("cursor_stale:");
    }

    // --- plumbing ---

    static void refused(Object cursor, String code) throws Exception {
        JsonObject answer = list(gw.mcpUrl(), everyNotesTool, session, cursor);
        assertThat(answer.containsKey("result")).as(answer.encode()).isFalse();
        JsonObject error = answer.getJsonObject("error");
        assertThat(error.getInteger("code")).as(answer.encode()).isEqualTo(-32602);
        assertThat(error.getJsonObject("data").getString("reason")).isEqualTo("invalid_params");
        assertThat(error.getJsonObject("data").getString("detail")).as(answer.encode()).startsWith(code + ":");
        assertThat(answer.encode()).doesNotContain("Exception").doesNotContain("at dev.warrant");
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static List<String> walk(URI url, String token, String sessionId) throws Exception {
        List<String> names = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonObject result = list(url, token, sessionId, cursor).getJsonObject("result");
            JsonArray tools = result.getJsonArray("tools");
            assertThat(tools.size()).isBetween(1, 2);
            tools.forEach(t -> names.add(((JsonObject) t).getString("name")));
            cursor = result.getString("nextCursor");
            pages++;
        } while (cursor != null && pages < 100);
        assertThat(pages).isGreaterThan(1).isLessThan(100);
        return names;
    }

    static JsonObject list(URI url, String token, String sessionId, Object cursor) throws Exception {
        JsonObject params = new JsonObject();
        if (cursor != null) {
            params.put("cursor", cursor);
        }
        String body = new JsonObject().put("jsonrpc", "2.0").put("id", 7).put("method", "tools/list")
                .put("params", params).encode();
        HttpResponse<String> r = Agents.post(url, body, "Authorization", "Bearer " + token, "Mcp-Session-Id", sessionId,
                "MCP-Protocol-Version", "2025-06-18");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    static String initialize(URI url, String token) throws Exception {
        HttpResponse<String> init = Agents.post(url, Agents.INITIALIZE, "Authorization", "Bearer " + token);
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        return init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }
}
