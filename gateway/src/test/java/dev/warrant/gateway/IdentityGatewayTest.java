package dev.warrant.gateway;

import dev.warrant.delegation.MintSpec;
import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.identity.IdentityProvider;
import dev.warrant.gateway.identity.IdentitySettings;
import dev.warrant.gateway.identity.IssuerSettings;
import dev.warrant.gateway.identity.MachineClient;
import dev.warrant.otel.McpAttributes;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.vertx.core.json.JsonArray;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The gateway as an OAuth resource server in front of a real OpenID provider (npm oidc-provider): machine agents
 * call tools with their client-credentials JWTs, mapped to rights by the operator's Datalog; bad JWTs are refused
 * with their reasons; keys rotate at the IdP while calls go on; an identity is revoked by subject; the mapping is
 * hot reloaded.
 */
class IdentityGatewayTest {

    static final String RESOURCE = "https://warrant.test/mcp";
    static final String MAPPING = """
            agent($s) <- claim("sub", $s), $s != "stranger";
            right("tool", "notes", "read_note") <- claim("scope", "notes.read");
            right("tool", "notes", "write_note") <- claim("scope", "notes.write");
            """;
    static final Map<String, Object> HELLO = Map.of("path", "/notes/public/hello.md");

    static Path dir;
    static IdentityProvider idp;
    static TestGateway gw;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("warrant-identity");
        idp = IdentityProvider.start(dir, List.of(
                MachineClient.of("reporter", "reporter-secret", "notes.read", RESOURCE, "https://elsewhere.test/mcp"),
                MachineClient.of("writer", "writer-secret", "notes.read notes.write", RESOURCE),
                MachineClient.of("stranger", "stranger-secret", "notes.read", RESOURCE)));
        Path mapping = Files.writeString(dir.resolve("identity.datalog"), MAPPING);
        // A one-second bound between key fetches, so a rotation is picked up quickly in this test.
        IssuerSettings issuer = new IssuerSettings(idp.issuer().toString(), Optional.empty(), List.of(), Duration.ofSeconds(1));
        gw = new TestGateway(null, null, b -> b.identity(new IdentitySettings(RESOURCE, List.of(issuer), mapping)));
        admin = gw.minter.mint(MintSpec.builder("security-team").right("admin", AdminApi.AREA, "*")
                .ttl(Duration.ofMinutes(30)).build());
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
    void aMachineAgentCallsWithItsClientCredentialsJwtWithinTheRightsTheMappingGivesIt() throws Exception {
        String jwt = idp.clientCredentials("reporter", "reporter-secret", RESOURCE, "notes.read");
        try (McpSyncClient agent = Agents.connect(gw.mcpUrl(), jwt)) {
            assertThat(Agents.text(Agents.call(agent, "notes__read_note", HELLO))).contains("Hello");
            assertThatThrownBy(() -> Agents.call(agent, "notes__write_note", Map.of("path", "/notes/public/x.md", "text", "x")))
                    .isInstanceOf(McpError.class);
        }
        // Audited like any token: the mapped agent is the caller.
        List<JsonObject> calls = auditLines().stream().filter(l -> "reporter".equals(l.getString("caller"))
                && "tools/call".equals(l.getString("method"))).toList();
        assertThat(calls).extracting(l -> l.getString("decision")).contains("allow", "deny");
        // Traced like any token, and the span says which IdP identity the token was minted for.
        assertThat(gw.spans.getFinishedSpanItems()).anySatisfy(s -> {
            assertThat(s.getAttributes().get(McpAttributes.WARRANT_CALLER)).isEqualTo("reporter");
            assertThat(s.getAttributes().get(McpAttributes.WARRANT_IDENTITY_SUBJECT)).isEqualTo("reporter");
            assertThat(s.getAttributes().get(McpAttributes.WARRANT_IDENTITY_ISSUER)).isEqualTo(idp.issuer().toString());
        });
    }

    @Test
    void theProtectedResourceMetadataNamesTheIssuerAndRefusalsPointToIt() throws Exception {
        HttpResponse<String> metadata = get(URI.create(gw.gateway.baseUrl() + "/.well-known/oauth-protected-resource"));
        JsonObject body = new JsonObject(metadata.body());
        assertThat(body.getString("resource")).isEqualTo(RESOURCE);
        assertThat(body.getJsonArray("authorization_servers")).isEqualTo(new JsonArray().add(idp.issuer().toString()));

        HttpResponse<String> refused = Agents.post(gw.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer a.b.c");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(EndToEndTest.reason(refused)).isEqualTo("jwt_malformed");
        assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("resource_metadata=");
    }

    @Test
    void aJwtForAnotherAudienceOrAnIdentityTheMappingCannotNameIsRefusedWithItsReason() throws Exception {
        String elsewhere = idp.clientCredentials("reporter", "reporter-secret", "https://elsewhere.test/mcp", "notes.read");
        HttpResponse<String> wrongAudience = Agents.post(gw.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer " + elsewhere);
        assertThat(wrongAudience.statusCode()).isEqualTo(401);
        assertThat(EndToEndTest.reason(wrongAudience)).isEqualTo("jwt_audience_mismatch");

        String stranger = idp.clientCredentials("stranger", "stranger-secret", RESOURCE, "notes.read");
        HttpResponse<String> unmapped = Agents.post(gw.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer " + stranger);
        assertThat(unmapped.statusCode()).isEqualTo(401);
        assertThat(EndToEndTest.reason(unmapped)).isEqualTo("identity_unmapped");
        assertThat(auditLines()).anySatisfy(l -> assertThat(l.getString("reason")).isEqualTo("identity_unmapped"));
    }

    @Test
    void keysRotatedAtTheIdpAreFollowedWhileCallsGoOn() throws Exception {
        String before = idp.clientCredentials("reporter", "reporter-secret", RESOURCE, "notes.read");
        try (McpSyncClient agent = Agents.connect(gw.mcpUrl(), before)) {
            assertThat(Agents.text(Agents.call(agent, "notes__read_note", HELLO))).contains("Hello");
            idp.rotateKeys();
            String after = idp.clientCredentials("reporter", "reporter-secret", RESOURCE, "notes.read");
            // The old key stays published: calls with the old JWT go on.
            assertThat(Agents.text(Agents.call(agent, "notes__read_note", HELLO))).contains("Hello");
            // A JWT signed with the new key is accepted once the gateway refetched the keys (within keyRefresh).
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).until(() ->
                    Agents.post(gw.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer " + after).statusCode() == 200);
        }
    }

    @Test
    void revokingTheSubjectStopsItsOpenSessionAndEveryNewJwtButNoOtherIdentity() throws Exception {
        String writer = idp.clientCredentials("writer", "writer-secret", RESOURCE, "notes.read notes.write");
        String reporter = idp.clientCredentials("reporter", "reporter-secret", RESOURCE, "notes.read");
        try (McpSyncClient open = Agents.connect(gw.mcpUrl(), writer)) {
            assertThat(Agents.text(Agents.call(open, "notes__read_note", HELLO))).contains("Hello");
            HttpResponse<String> revoke = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(gw.gateway.baseUrl() + "/admin/revocations")).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("subject", "writer")
                            .put("issuer", idp.issuer().toString()).encode())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(200);
            assertThatThrownBy(() -> Agents.call(open, "notes__read_note", HELLO)).isInstanceOf(RuntimeException.class);
        }
        // A JWT the IdP issues after the revocation is minted into a token that is revoked too.
        String fresh = idp.clientCredentials("writer", "writer-secret", RESOURCE, "notes.read");
        HttpResponse<String> refused = Agents.post(gw.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer " + fresh);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(EndToEndTest.reason(refused)).isEqualTo("revoked");
        assertThat(Agents.post(gw.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer " + reporter).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aChangedMappingReachesAnOpenSessionOfTheSameJwt() throws Exception {
        Path mapping = dir.resolve("identity.datalog");
        String jwt = idp.clientCredentials("reporter", "reporter-secret", RESOURCE, "notes.read");
        try (McpSyncClient agent = Agents.connect(gw.mcpUrl(), jwt)) {
            assertThat(Agents.text(Agents.call(agent, "notes__read_note", HELLO))).contains("Hello");
            // The operator stops granting notes.read; the session's remembered token is not current any more.
            Files.writeString(mapping, MAPPING.replace("right(\"tool\", \"notes\", \"read_note\") <- claim(\"scope\", \"notes.read\");\n", ""));
            try {
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    try {
                        Agents.call(agent, "notes__read_note", HELLO);
                        return false;
                    } catch (McpError denied) {
                        return true;
                    }
                });
            } finally {
                Files.writeString(mapping, MAPPING);
            }
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> Agents.text(Agents.call(agent, "notes__read_note", HELLO)).contains("Hello"));
        }
    }

    private static List<JsonObject> auditLines() throws Exception {
        Path log = gw.stateDir.resolve("audit.log");
        return await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(log)
                ? Files.readAllLines(log).stream().map(JsonObject::new).toList() : List.<JsonObject>of(), l -> !l.isEmpty());
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
