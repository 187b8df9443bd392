package dev.warrant.gateway.mcp;

import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.MintSpec;
import dev.warrant.gateway.TestGateway;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Resources, prompts, completion, logging and ping through the gateway, with the Java SDK client as agent and
 * the npm server-everything as upstream: lists filtered per caller with the same decision as reads and gets,
 * hidden items answered like unknown ones, and {@code /servers/{name}/mcp} as a virtual server.
 */
class ResourcesAndPromptsTest {

    static final String FEATURES_DOC = "demo://resource/static/document/features.md";
    static final String DYNAMIC_TEXT = "demo://resource/dynamic/text/3";

    static McpFixtures.Everything everything;
    static TestGateway gw;
    static String planner;
    static String narrowed;

    @BeforeAll
    static void start() throws Exception {
        everything = new McpFixtures.Everything();
        gw = new TestGateway(everything.mcpUrl(), null);
        planner = gw.minter.mint(MintSpec.builder("planner")
                .right("tool", "everything", "*")
                .right("tool", "notes", "read_note")
                .right("resource", "everything", "demo://")
                .right("prompt", "everything", "*")
                .ttl(Duration.ofHours(1)).build());
        narrowed = Delegator.attenuate(planner, HopSpec.delegateTo("reader")
                .resources("everything", "demo://resource/static/")
                .prompts("everything", "simple-prompt")
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
    void plannerListsAndReadsResourcesIncludingTemplatedOnes() {
        try (McpSyncClient client = McpFixtures.connect(gw.mcpUrl(), planner)) {
            assertThat(uris(client)).contains(FEATURES_DOC);
            assertThat(client.listResourceTemplates().resourceTemplates())
                    .extracting(McpSchema.ResourceTemplate::uriTemplate)
                    .contains("demo://resource/dynamic/text/{resourceId}");

            McpSchema.ReadResourceResult doc = client.readResource(new McpSchema.ReadResourceRequest(FEATURES_DOC));
            assertThat(text(doc)).contains("Everything Server");
            // Not listed by anyone: routed to the upstream whose template matches the URI.
            McpSchema.ReadResourceResult dynamic = client.readResource(new McpSchema.ReadResourceRequest(DYNAMIC_TEXT));
            assertThat(dynamic.contents()).singleElement().satisfies(c -> assertThat(c.uri()).isEqualTo(DYNAMIC_TEXT));

            assertThatThrownBy(() -> client.readResource(new McpSchema.ReadResourceRequest("nobody://serves/this")))
                    .isInstanceOfSatisfying(McpError.class, e -> {
                        assertThat(McpFixtures.reason(e)).isEqualTo("unknown_resource");
                        assertThat(e.getJsonRpcError().code()).isEqualTo(-32002);
                    });
        }
    }

    @Test
    void plannerListsGetsAndCompletesNamespacedPrompts() {
        try (McpSyncClient client = McpFixtures.connect(gw.mcpUrl(), planner)) {
            assertThat(promptNames(client)).contains("everything__simple-prompt", "everything__args-prompt",
                    "everything__completable-prompt");
            McpSchema.GetPromptResult prompt = client.getPrompt(
                    new McpSchema.GetPromptRequest("everything__args-prompt", Map.of("city", "Lyon")));
            assertThat(((McpSchema.TextContent) prompt.messages().get(0).content()).text()).contains("Lyon");

            McpSchema.CompleteResult completion = client.completeCompletion(new McpSchema.CompleteRequest(
                    new McpSchema.PromptReference("everything__completable-prompt"),
                    new McpSchema.CompleteRequest.CompleteArgument("department", "Eng")));
            assertThat(completion.completion().values()).containsExactly("Engineering");

            client.setLoggingLevel(McpSchema.LoggingLevel.WARNING);
            assertThat(client.ping()).isNotNull();
            client.subscribeResource(new McpSchema.SubscribeRequest(FEATURES_DOC));
            client.unsubscribeResource(new McpSchema.UnsubscribeRequest(FEATURES_DOC));
        }
    }

    @Test
    void narrowedTokenSeesAndReadsOnlyWhatItsHopAllows() {
        try (McpSyncClient client = McpFixtures.connect(gw.mcpUrl(), narrowed)) {
            assertThat(uris(client)).isNotEmpty().allMatch(u -> u.startsWith("demo://resource/static/"));
            // The templates' expansions lie outside the hop's prefix: hidden.
            assertThat(client.listResourceTemplates().resourceTemplates()).isEmpty();
            assertThat(promptNames(client)).containsExactly("everything__simple-prompt");
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
                    .noneMatch(n -> n.startsWith("everything__"));

            assertThat(text(client.readResource(new McpSchema.ReadResourceRequest(FEATURES_DOC))))
                    .contains("Everything Server");
            // Hidden items are answered exactly like unknown ones.
            assertThatThrownBy(() -> client.readResource(new McpSchema.ReadResourceRequest(DYNAMIC_TEXT)))
                    .isInstanceOfSatisfying(McpError.class, e -> {
                        assertThat(McpFixtures.reason(e)).isEqualTo("unknown_resource");
                        assertThat(e.getJsonRpcError().message()).isEqualTo("Resource not found: " + DYNAMIC_TEXT);
                    });
            assertThatThrownBy(() -> client.getPrompt(new McpSchema.GetPromptRequest("everything__args-prompt",
                    Map.of("city", "Lyon"))))
                    .isInstanceOfSatisfying(McpError.class, e -> {
                        assertThat(McpFixtures.reason(e)).isEqualTo("unknown_prompt");
                        assertThat(e.getJsonRpcError().message()).isEqualTo("Unknown prompt: everything__args-prompt");
                    });
            assertThatThrownBy(() -> client.completeCompletion(new McpSchema.CompleteRequest(
                    new McpSchema.PromptReference("everything__completable-prompt"),
                    new McpSchema.CompleteRequest.CompleteArgument("department", "Eng"))))
                    .isInstanceOfSatisfying(McpError.class, e -> assertThat(McpFixtures.reason(e)).isEqualTo("unknown_prompt"));
            assertThat(((McpSchema.TextContent) client.getPrompt(new McpSchema.GetPromptRequest(
                    "everything__simple-prompt", Map.of())).messages().get(0).content()).text()).contains("simple prompt");
        }
    }

    @Test
    void virtualServerShowsOneUpstreamUnderItsOriginalNames() {
        URI virtual = gw.gateway.baseUrl().resolve("/servers/everything/mcp");
        try (McpSyncClient client = McpFixtures.connect(virtual, planner)) {
            List<String> tools = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            assertThat(tools).contains("echo", "get-sum").noneMatch(n -> n.contains("__"));
            McpSchema.CallToolResult echo = client.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "virtual")));
            assertThat(((McpSchema.TextContent) echo.content().get(0)).text()).contains("virtual");
            assertThat(promptNames(client)).contains("simple-prompt", "args-prompt");
            assertThat(((McpSchema.TextContent) client.getPrompt(new McpSchema.GetPromptRequest("args-prompt",
                    Map.of("city", "Oslo"))).messages().get(0).content()).text()).contains("Oslo");
            assertThat(text(client.readResource(new McpSchema.ReadResourceRequest(FEATURES_DOC)))).contains("Everything Server");
            // The gateway's namespaced names do not exist here.
            assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("everything__echo", Map.of("message", "x"))))
                    .isInstanceOfSatisfying(McpError.class, e -> assertThat(McpFixtures.reason(e)).isEqualTo("unknown_tool"));
        }
        URI notes = gw.gateway.baseUrl().resolve("/servers/notes/mcp");
        try (McpSyncClient client = McpFixtures.connect(notes, narrowed)) {
            // Same authorization with server = name: the narrowed hop grants no notes tools.
            assertThat(client.listTools().tools()).isEmpty();
            assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("read_note", Map.of("path", "/notes/public/hello.md"))))
                    .isInstanceOfSatisfying(McpError.class, e -> assertThat(McpFixtures.reason(e)).isEqualTo("unknown_tool"));
        }
    }

    private static List<String> uris(McpSyncClient client) {
        return client.listResources().resources().stream().map(McpSchema.Resource::uri).toList();
    }

    private static List<String> promptNames(McpSyncClient client) {
        return client.listPrompts().prompts().stream().map(McpSchema.Prompt::name).toList();
    }

    private static String text(McpSchema.ReadResourceResult result) {
        StringBuilder sb = new StringBuilder();
        for (McpSchema.ResourceContents c : result.contents()) {
            if (c instanceof McpSchema.TextResourceContents t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }
}
