package dev.warrant.gateway;

import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The walking skeleton end to end: real MCP clients (the Java SDK) call real upstreams (the notes server
 * over stdio, the npm server-everything over Streamable HTTP) through a real gateway on loopback.
 */
class EndToEndTest {

    static NodeProcess everything;
    static TestGateway gw;
    static String planner;
    static String researcher;

    @BeforeAll
    static void start() throws Exception {
        everything = NodeProcess.everythingHttp();
        gw = new TestGateway(URI.create("http://127.0.0.1:" + everything.port + "/mcp"));
        planner = gw.minter.mint(MintSpec.builder("planner")
                .right("tool", "notes", "read_note")
                .right("tool", "notes", "write_note")
                .right("tool", "everything", "echo")
                .ttl(Duration.ofHours(1)).build());
        researcher = Delegator.attenuate(planner, HopSpec.delegateTo("researcher")
                .tools("notes", "read_note")
                .argPathPrefix("path", "/notes/public/")
                .ttl(Duration.ofMinutes(15)).build(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
        if (everything != null) {
            everything.close();
        }
    }

    @Test
    void plannerListsAndCallsToolsOnStdioAndHttpUpstreams() {
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), planner)) {
            assertThat(Agents.toolNames(client))
                    .contains("notes__read_note", "notes__write_note", "everything__echo")
                    // list_notes and everything's other tools are not in the planner's rights
                    .doesNotContain("notes__list_notes", "everything__get-sum");

            McpSchema.CallToolResult note = Agents.call(client, "notes__read_note", Map.of("path", "/notes/public/hello.md"));
            assertThat(note.isError()).isNotEqualTo(Boolean.TRUE);
            assertThat(Agents.text(note)).contains("Hello from Warrant");

            McpSchema.CallToolResult echo = Agents.call(client, "everything__echo", Map.of("message", "through the gateway"));
            assertThat(Agents.text(echo)).contains("through the gateway");
        }
    }

    @Test
    void researcherSeesOnlyItsNarrowedTool() {
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), researcher)) {
            assertThat(Agents.upstreamToolNames(client)).containsExactly("notes__read_note");
            assertThat(Agents.toolNames(client)).contains("warrant__delegate", "warrant__inspect");
            assertThat(Agents.text(Agents.call(client, "notes__read_note", Map.of("path", "/notes/public/hello.md"))))
                    .contains("Hello from Warrant");
        }
    }

    @Test
    void researcherIsDeniedPrivateNotesAndTraversal() throws Exception {
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), researcher)) {
            for (String path : new String[] {"/notes/private/plan.md", "/notes/public/../private/plan.md",
                    "/notes/public/./../private/plan.md", "/notes/public//..//private/plan.md",
                    "file:///notes/public/%2e%2e/private/plan.md"}) {
                assertThatThrownBy(() -> Agents.call(client, "notes__read_note", Map.of("path", path)))
                        .as(path)
                        .isInstanceOfSatisfying(McpError.class, e -> assertThat(reason(e)).isEqualTo("constraint_failed"));
            }
            // A call without the constrained argument is denied too (check all is not vacuous).
            assertThatThrownBy(() -> Agents.call(client, "notes__read_note", Map.of()))
                    .isInstanceOfSatisfying(McpError.class, e -> assertThat(reason(e)).isEqualTo("constraint_failed"));
            // The session is still usable after denials.
            assertThat(Agents.text(Agents.call(client, "notes__read_note", Map.of("path", "/notes/public/hello.md"))))
                    .contains("Hello");
        }
    }

    @Test
    void researcherCannotWriteAndTheStoreIsUntouched() throws Exception {
        Path privatePlan = gw.stateDir.resolve("notes/private/plan.md");
        String before = Files.readString(privatePlan);
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), researcher)) {
            assertThatThrownBy(() -> Agents.call(client, "notes__write_note",
                    Map.of("path", "/notes/private/plan.md", "text", "pwned")))
                    .isInstanceOfSatisfying(McpError.class, e -> {
                        // Not in the researcher's tools: answered exactly like a tool that does not exist.
                        assertThat(reason(e)).isEqualTo("unknown_tool");
                        assertThat(e.getJsonRpcError().message()).isEqualTo("Unknown tool: notes__write_note");
                    });
            assertThatThrownBy(() -> Agents.call(client, "notes__no_such_tool", Map.of()))
                    .isInstanceOfSatisfying(McpError.class, e -> assertThat(reason(e)).isEqualTo("unknown_tool"));
        }
        assertThat(Files.readString(privatePlan)).isEqualTo(before);
        assertThat(Files.exists(gw.stateDir.resolve("notes/public/pwned"))).isFalse();
    }

    @Test
    void toolOutsideTheRightsIsDenied() {
        String readOnly = gw.minter.mint(MintSpec.builder("reader").right("tool", "notes", "read_note")
                .ttl(Duration.ofMinutes(5)).build());
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), readOnly)) {
            assertThat(Agents.upstreamToolNames(client)).containsExactly("notes__read_note");
            assertThatThrownBy(() -> Agents.call(client, "everything__echo", Map.of("message", "x")))
                    .isInstanceOfSatisfying(McpError.class, e -> assertThat(reason(e)).isEqualTo("unknown_tool"));
        }
    }

    @Test
    void badTokensGet401WithAChallenge() throws Exception {
        URI url = gw.mcpUrl();
        HttpResponse<String> none = Agents.post(url, Agents.INITIALIZE);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h ->
                assertThat(h).startsWith("Bearer resource_metadata=\"http://127.0.0.1:" + gw.gateway.port()
                        + "/.well-known/oauth-protected-resource\""));
        assertThat(reason(none)).isEqualTo("token_missing");

        SigningKey otherRoot = SigningKey.generate("other");
        String foreign = new Minter(otherRoot, Clock.systemUTC(), Duration.ofHours(24)).mint(MintSpec.builder("planner")
                .right("tool", "notes", "read_note").ttl(Duration.ofHours(1)).build());
        HttpResponse<String> forged = Agents.post(url, Agents.INITIALIZE, "Authorization", "Bearer " + foreign);
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(reason(forged)).isIn("signature_invalid", "unknown_root_key");

        Clock twoHoursAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
        String expired = new Minter(gw.rootKey, twoHoursAgo, Duration.ofHours(24)).mint(MintSpec.builder("planner")
                .right("tool", "notes", "read_note").ttl(Duration.ofHours(1)).build());
        HttpResponse<String> old = Agents.post(url, Agents.INITIALIZE, "Authorization", "Bearer " + expired);
        assertThat(old.statusCode()).isEqualTo(401);
        assertThat(reason(old)).isEqualTo("token_expired");

        String truncated = planner.substring(0, planner.length() / 2);
        HttpResponse<String> cut = Agents.post(url, Agents.INITIALIZE, "Authorization", "Bearer " + truncated);
        assertThat(cut.statusCode()).isEqualTo(401);
        assertThat(reason(cut)).isIn("token_malformed", "signature_invalid");

        HttpResponse<String> huge = Agents.post(url, Agents.INITIALIZE, "Authorization", "Bearer " + "A".repeat(25_000));
        assertThat(huge.statusCode()).isEqualTo(401);
        assertThat(reason(huge)).isEqualTo("token_too_large");
        assertThat(huge.body()).doesNotContain("Exception").doesNotContain("at dev.warrant");
    }

    static String reason(McpError e) {
        Object data = e.getJsonRpcError().data();
        return data instanceof Map<?, ?> m ? String.valueOf(m.get("reason")) : String.valueOf(data);
    }

    static String reason(HttpResponse<String> response) {
        return new JsonObject(response.body()).getJsonObject("error").getJsonObject("data").getString("reason");
    }
}
