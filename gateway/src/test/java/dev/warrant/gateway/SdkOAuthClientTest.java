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
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The official Python MCP SDK's own OAuth client-credentials support ({@code ClientCredentialsOAuthProvider},
 * mcp 2.3.0) reaches a tool through the gateway: it is given only its client id, secret and issuer, follows the
 * gateway's 401 to the protected resource metadata and the IdP (npm oidc-provider), gets a JWT for the gateway's
 * resource and calls with it (ARCHITECTURE §11.29).
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
        // The SDK checks that the metadata's resource is the URL it connects to: the port is chosen first.
        int port = ProcessPorts.freePort();
        resource = "http://127.0.0.1:" + port + "/mcp";
        idp = IdentityProvider.start(dir, List.of(
                // The SDK asks for the scopes the IdP's metadata lists (openid among them), whatever it was given.
                MachineClient.of("sdk-agent", "sdk-agent-secret", "notes.read openid", resource),
                MachineClient.of("elsewhere-agent", "elsewhere-secret", "notes.read openid", "https://elsewhere.test/mcp")));
        Path mapping = Files.writeString(dir.resolve("identity.datalog"), MAPPING);
        IssuerSettings issuer = new IssuerSettings(idp.issuer().toString(), Optional.empty(), List.of(),
                Duration.ofSeconds(1));
        gw = new TestGateway(null, null, b -> b.port(port)
                .identity(new IdentitySettings(resource, List.of(issuer), mapping)));
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
    void theSdkGetsAJwtForTheGatewayFromTheIdpAndCallsWithinTheMappedRights() throws Exception {
        AgentRun run = agent("sdk-agent", "sdk-agent-secret", READ, WRITE);

        assertThat(run.step(READ).getString("text")).as(run.output()).contains("Hello");
        assertThat(run.step(WRITE).getString("error")).as(run.output()).isNotNull();
        List<JsonObject> calls = audited("sdk-agent");
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
