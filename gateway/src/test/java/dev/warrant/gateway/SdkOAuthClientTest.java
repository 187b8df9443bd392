package dev.warrant.gateway;

import dev.warrant.gateway.PythonProcess.AgentRun;
import dev.warrant.gateway.identity.IdentityProvider;
import dev.warrant.gateway.identity.IdentitySettings;
import dev.warrant.gateway.identity.IssuerSettings;
import dev.warrant.gateway.identity.MachineClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The official MCP SDKs' own OAuth client-credentials support reaches a tool through the gateway: the Python SDK's
 * {@code ClientCredentialsOAuthProvider} (mcp 2.3.0, {@code python-tools/agent.py}) and the TypeScript SDK's
 * {@code ClientCredentialsProvider} (1.32.2, {@code node-tools/ts-client/oauth-agent.mjs}). Each is given only its
 * client id, secret and issuer, follows the gateway's 401 to the protected resource metadata and the IdP (npm
 * oidc-provider), gets a JWT for the gateway's resource and calls with it (ARCHITECTURE §11.30).
 */
class SdkOAuthClientTest {

    static final String MAPPING = """
            agent($s) <- claim("sub", $s);
            right("tool", "notes", "read_note") <- claim("scope", "notes.read");
            """;
    static final String READ = "call:notes__read_note:{\"path\": \"/notes/public/hello.md\"}";
    static final String WRITE = "call:notes__write_note:{\"path\": \"/notes/public/sdk.md\", \"text\": \"x\"}";

    static IdentityProvider idp;
    static TestGateway gw;
    static String resource;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("warrant-sdk-oauth");
        // Both SDKs check that the metadata's resource is the URL they connect to: the port is chosen first.
        int port = ProcessPorts.freePort();
        resource = "http://127.0.0.1:" + port + "/mcp";
        idp = IdentityProvider.start(dir, List.of(
                // The Python SDK asks for every scope the IdP's metadata lists (openid among them), not for the
                // scope it is given: the IdP must allow them all to this client.
                MachineClient.of("py-agent", "py-agent-secret", "notes.read openid", resource),
                // The TypeScript SDK asks for the scope it was given.
                MachineClient.of("ts-agent", "ts-agent-secret", "notes.read", resource),
                MachineClient.of("elsewhere-agent", "elsewhere-secret", "notes.read openid", "https://elsewhere.test/mcp")));
        Path mapping = Files.writeString(dir.resolve("identity.datalog"), MAPPING);
        gw = new TestGateway(null, null, b -> b.port(port).identity(new IdentitySettings(resource,
                List.of(IssuerSettings.discovered(idp.issuer().toString())), mapping)));
        assertThat(gw.mcpUrl().toString()).isEqualTo(resource);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
        if (idp != null) {
            idp.close();
        }
    }

    @Test
    void thePythonSdkGetsAJwtForTheGatewayFromTheIdpAndCallsWithinTheMappedRights() throws Exception {
        AgentRun run = agent("py-agent", "py-agent-secret", READ, WRITE);

        assertThat(run.step(READ).getString("text")).as(run.output()).contains("Hello");
        assertThat(run.step(WRITE).getString("error")).as(run.output()).isNotNull();
        List<JsonObject> calls = audited("py-agent");
        assertThat(calls).extracting(l -> l.getString("decision")).contains("allow", "deny");
    }

    @Test
    void aClientTheIdpWillNotIssueATokenForTheGatewayGetsNoCallThrough() throws Exception {
        AgentRun run = agent("elsewhere-agent", "elsewhere-secret", READ);

        // The IdP refuses the gateway's resource for this client (RFC 8707 invalid_target): the SDK's flow ends there.
        assertThat(run.output()).contains("invalid_target").doesNotContain("\"step\": \"done\"");
        assertThat(run.lines()).noneMatch(l -> l.containsKey("text"));
        assertThat(auditLines()).noneMatch(l -> "elsewhere-agent".equals(l.getString("caller")));
    }

    @Test
    void theTypeScriptSdkGetsAJwtForTheGatewayFromTheIdpAndCallsTheTool() throws Exception {
        JsonObject result = tsAgent("ts-agent", "ts-agent-secret", "notes.read", "notes__read_note",
                "{\"path\": \"/notes/public/hello.md\"}");

        assertThat(result.getString("text")).as(result.encode()).contains("Hello");
        assertThat(result.getBoolean("isError")).isFalse();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> auditLines().stream()
                .anyMatch(l -> "ts-agent".equals(l.getString("caller")) && "tools/call".equals(l.getString("method"))
                        && "allow".equals(l.getString("decision"))));
    }

    /** Runs {@code node-tools/ts-client/oauth-agent.mjs} (bounded) and returns the JSON object it printed last. */
    private static JsonObject tsAgent(String clientId, String secret, String scope, String tool, String arguments)
            throws Exception {
        Path script = NodeProcess.nodeTools().resolve("ts-client/oauth-agent.mjs");
        Path out = Files.createTempFile("warrant-ts-oauth", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder("node", script.toString(), resource, clientId,
                    idp.issuer().toString(), scope, tool, arguments)
                    .redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().keySet().retainAll(List.of("PATH", "HOME", "LANG"));
            pb.environment().put("OAUTH_CLIENT_SECRET", secret);
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("TypeScript agent did not finish within 60 s:\n" + Files.readString(out));
            }
            String output = Files.readString(out).strip();
            return new JsonObject(output.substring(output.lastIndexOf('\n') + 1));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static AgentRun agent(String clientId, String secret, String... steps) throws Exception {
        List<String> args = new ArrayList<>(List.of(resource, "--oauth-client-id", clientId,
                "--oauth-issuer", idp.issuer().toString()));
        args.addAll(List.of(steps));
        return PythonProcess.agent(args, Map.of("OAUTH_CLIENT_SECRET", secret), Duration.ofSeconds(90));
    }

    private static List<JsonObject> audited(String caller) {
        return await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> auditLines().stream()
                .filter(l -> caller.equals(l.getString("caller")) && "tools/call".equals(l.getString("method")))
                .toList(), l -> l.size() >= 2);
    }

    private static List<JsonObject> auditLines() throws Exception {
        Path log = gw.stateDir.resolve("audit.log");
        return Files.exists(log) ? Files.readAllLines(log).stream().map(JsonObject::new).toList() : List.of();
    }
}
