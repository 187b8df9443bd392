package dev.warrant.gateway.mcp;

import dev.warrant.delegation.MintSpec;
import dev.warrant.gateway.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The official TypeScript SDK client ({@code @modelcontextprotocol/sdk}) as the agent, with a bearer token,
 * against the gateway in front of the npm server-everything over Streamable HTTP: list, call with progress
 * (relayed on the gateway's SSE response), read resources, get a prompt, cancel a long call.
 * The agent is {@code node-tools/ts-client/agent.mjs}; it prints what it saw as one JSON object.
 */
class TypeScriptClientTest {

    static McpFixtures.Everything everything;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        everything = new McpFixtures.Everything();
        gw = new TestGateway(everything.mcpUrl(), null);
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
    void typeScriptAgentListsCallsReadsGetsAndCancels() throws Exception {
        String token = gw.minter.mint(MintSpec.builder("ts-agent")
                .right("tool", "everything", "*")
                .right("resource", "everything", "demo://resource/")
                .right("prompt", "everything", "args-prompt")
                .ttl(Duration.ofMinutes(30)).build());

        JsonObject seen = runAgent(gw.mcpUrl().toString(), token);

        assertThat(seen.getString("error")).as("agent error").isNull();
        assertThat(seen.getString("serverName")).isEqualTo("warrant");
        assertThat(strings(seen.getJsonArray("tools")))
                .contains("everything__echo", "everything__trigger-long-running-operation")
                .noneMatch(n -> n.startsWith("notes__"));

        assertThat(seen.getString("longResult")).contains("Long running operation completed");
        JsonArray progress = seen.getJsonArray("progress");
        assertThat(progress).hasSize(3);
        assertThat(progress.getJsonObject(2).getInteger("progress")).isEqualTo(3);
        assertThat(progress.getJsonObject(2).getInteger("total")).isEqualTo(3);

        assertThat(strings(seen.getJsonArray("resources"))).contains("demo://resource/static/document/features.md");
        assertThat(seen.getString("documentStart")).startsWith("# Everything Server");
        assertThat(seen.getJsonObject("dynamic").getString("uri")).isEqualTo("demo://resource/dynamic/text/7");

        // Only the prompt the token names is listed, under the gateway's namespaced name.
        assertThat(strings(seen.getJsonArray("prompts"))).containsExactly("everything__args-prompt");
        assertThat(seen.getString("promptText")).contains("Lyon");

        JsonObject cancel = seen.getJsonObject("cancel");
        assertThat(cancel.getString("outcome")).isEqualTo("aborted");
        assertThat(cancel.getLong("millis")).isLessThan(15_000L);
        assertThat(seen.getString("echo")).contains("after cancel");

        // notifications/cancelled reached the gateway's session and ended the upstream call: it is audited as
        // cancelled (the adapter tells the upstream in the same step).
        Path audit = gw.stateDir.resolve("audit.log");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Files.readAllLines(audit))
                .anySatisfy(line -> {
                    JsonObject record = new JsonObject(line);
                    assertThat(record.getString("method")).isEqualTo("tools/call");
                    assertThat(record.getString("reason")).isEqualTo("cancelled");
                    assertThat(record.getString("caller")).isEqualTo("ts-agent");
                }));
    }

    static JsonObject runAgent(String url, String token) throws Exception {
        Path script = McpFixtures.nodeTools().resolve("ts-client/agent.mjs");
        Process p = new ProcessBuilder("node", script.toString(), url, token)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("TypeScript agent did not finish within 30 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String last = out.substring(out.lastIndexOf('\n') + 1);
        return new JsonObject(last);
    }

    private static List<String> strings(JsonArray array) {
        return array.stream().map(String::valueOf).toList();
    }
}
