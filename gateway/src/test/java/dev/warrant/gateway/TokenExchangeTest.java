package dev.warrant.gateway;

import dev.warrant.delegation.AuthorizationLimits;
import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.Identity;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.PolicySet;
import dev.warrant.delegation.RequestFacts;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.identity.IdentityProvider;
import dev.warrant.gateway.identity.IdentitySettings;
import dev.warrant.gateway.identity.IssuerSettings;
import dev.warrant.gateway.identity.MachineClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.opentelemetry.sdk.trace.data.SpanData;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * RFC 8693 token exchange at {@code POST /oauth/token} against a real OpenID provider: a JWT subject with a JWT
 * actor becomes a delegation hop, which the actor attenuates further offline and uses; a scope only narrows; a
 * Warrant token is a subject too; bad requests get RFC 6749 errors with Warrant's reason.
 */
class TokenExchangeTest {

    static final String RESOURCE = "https://warrant.test/mcp";
    static final String MAPPING = """
            agent($s) <- claim("sub", $s);
            right("tool", "notes", "read_note") <- claim("scope", "notes.read");
            """;
    static final Map<String, Object> HELLO = Map.of("path", "/notes/public/hello.md");

    static IdentityProvider idp;
    static TestGateway gw;
    static Verifier verifier;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("warrant-exchange");
        idp = IdentityProvider.start(dir, List.of(
                MachineClient.of("reporter", "reporter-secret", "notes.read", RESOURCE),
                MachineClient.of("summarizer", "summarizer-secret", "notes.read", RESOURCE)));
        Path mapping = Files.writeString(dir.resolve("identity.datalog"), MAPPING);
        IssuerSettings issuer = new IssuerSettings(idp.issuer().toString(), Optional.empty(), List.of());
        gw = new TestGateway(null, null, b -> b.identity(new IdentitySettings(RESOURCE, List.of(issuer), mapping)));
        verifier = new Verifier(dev.warrant.delegation.KeyRing.of(gw.rootKey.publicKey(),
                dev.warrant.delegation.KeyFiles.loadOrCreate(gw.stateDir.resolve("identity.key"),
                        gw.stateDir.resolve("identity.pub")).publicKey()), VerifierSettings.defaults(), Clock.systemUTC());
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
    void aJwtSubjectWithAJwtActorBecomesADelegationHopTheActorNarrowsOfflineAndUses() throws Exception {
        String subject = idp.clientCredentials("reporter", "reporter-secret", RESOURCE, "notes.read");
        String actor = idp.clientCredentials("summarizer", "summarizer-secret", RESOURCE, "notes.read");
        HttpResponse<String> r = exchange(Map.of("subject_token", subject, "subject_token_type", "urn:ietf:params:oauth:token-type:jwt",
                "actor_token", actor, "actor_token_type", "urn:ietf:params:oauth:token-type:jwt", "resource", RESOURCE));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        JsonObject body = new JsonObject(r.body());
        assertThat(body.getString("issued_token_type")).isEqualTo("urn:warrant:params:oauth:token-type:biscuit");
        assertThat(body.getString("token_type")).isEqualTo("Bearer");
        assertThat(body.getLong("expires_in")).isPositive().isLessThanOrEqualTo(3600L);

        String issued = body.getString("access_token");
        VerifiedToken v = verifier.verify(issued);
        assertThat(v.chain()).containsExactly("reporter", "summarizer");
        assertThat(v.identity()).contains(new Identity(idp.issuer().toString(), "reporter"));
        // The exchange's span is the hop's trace context: the chain's later calls join the exchange's trace.
        SpanData span = gw.spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("warrant token exchange"))
                .reduce((a, b) -> b).orElseThrow();
        assertThat(v.traceContexts()).anyMatch(t -> t.contains(span.getTraceId()));

        // The actor hands a narrower sub-task on, offline, and the delegatee calls through the gateway.
        String helper = Delegator.attenuate(issued, HopSpec.delegateTo("sub-helper").tools("notes", "read_note")
                .argPathPrefix("path", "/notes/public/").build(), Clock.systemUTC());
        try (McpSyncClient agent = Agents.connect(gw.mcpUrl(), helper)) {
            assertThat(Agents.text(Agents.call(agent, "notes__read_note", HELLO))).contains("Hello");
        }
        assertThat(Files.readAllLines(gw.stateDir.resolve("audit.log")).stream().map(JsonObject::new)
                .filter(l -> "oauth/token".equals(l.getString("method")) && "allow".equals(l.getString("decision"))))
                .anySatisfy(l -> assertThat(l.getJsonArray("chain").getList()).containsExactly("reporter", "summarizer"));
    }

    @Test
    void aScopeOnlyNarrowsTheSubject() throws Exception {
        String subject = idp.clientCredentials("reporter", "reporter-secret", RESOURCE, "notes.read");
        // Asking for write_note, which the reporter does not hold, yields a token that may not even read.
        HttpResponse<String> r = exchange(Map.of("subject_token", subject, "subject_token_type",
                "urn:ietf:params:oauth:token-type:access_token", "scope", "tool:notes:write_note"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        try (McpSyncClient agent = Agents.connect(gw.mcpUrl(), new JsonObject(r.body()).getString("access_token"))) {
            assertThatThrownBy(() -> Agents.call(agent, "notes__write_note", Map.of("path", "/notes/public/w.md", "text", "x")))
                    .isInstanceOf(McpError.class);
            assertThatThrownBy(() -> Agents.call(agent, "notes__read_note", HELLO)).isInstanceOf(McpError.class);
        }
    }

    @Test
    void aWarrantTokenIsASubjectTooAndTheActorIsTheJwtsMappedAgent() throws Exception {
        String planner = gw.minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .ttl(Duration.ofMinutes(30)).build());
        String actor = idp.clientCredentials("summarizer", "summarizer-secret", RESOURCE, "notes.read");
        HttpResponse<String> r = exchange(Map.of("subject_token", planner, "subject_token_type",
                "urn:warrant:params:oauth:token-type:biscuit", "actor_token", actor,
                "actor_token_type", "urn:ietf:params:oauth:token-type:jwt", "scope", "tool:notes:read_note"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        VerifiedToken v = verifier.verify(new JsonObject(r.body()).getString("access_token"));
        assertThat(v.chain()).containsExactly("planner", "summarizer");
        assertThat(v.identity()).isEmpty();
    }

    @Test
    void aResourceNamingOneOfTheGatewaysServersNarrowsTheTokenToIt() throws Exception {
        String planner = gw.minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .right("tool", "search", "*").ttl(Duration.ofMinutes(30)).build());
        String notesOnly = RESOURCE.replace("/mcp", "/servers/notes/mcp");
        HttpResponse<String> r = exchange(Map.of("subject_token", planner, "subject_token_type",
                "urn:warrant:params:oauth:token-type:biscuit", "resource", notesOnly));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        VerifiedToken v = verifier.verify(new JsonObject(r.body()).getString("access_token"));
        Instant now = Instant.now();
        assertThat(v.authorize(RequestFacts.toolCall(now, "notes", "read_note").build(), PolicySet.defaults(),
                AuthorizationLimits.defaults()).allowed()).isTrue();
        assertThat(v.authorize(RequestFacts.toolCall(now, "search", "query").build(), PolicySet.defaults(),
                AuthorizationLimits.defaults()).allowed()).isFalse();
        // A scope item on another server than the resource's is refused; an unknown path is not this gateway.
        assertError(exchange(Map.of("subject_token", planner, "subject_token_type", "urn:warrant:params:oauth:token-type:biscuit",
                "resource", notesOnly, "scope", "tool:search:query")), "invalid_scope", null);
        assertError(exchange(Map.of("subject_token", planner, "subject_token_type", "urn:warrant:params:oauth:token-type:biscuit",
                "resource", RESOURCE.replace("/mcp", "/admin/mcp"))), "invalid_target", null);
    }

    @Test
    void badRequestsGetRfc6749ErrorsWithWarrantsReason() throws Exception {
        String subject = idp.clientCredentials("reporter", "reporter-secret", RESOURCE, "notes.read");
        String jwt = "urn:ietf:params:oauth:token-type:jwt";
        assertError(exchange(Map.of("grant_type", "client_credentials", "subject_token", subject, "subject_token_type", jwt)),
                "unsupported_grant_type", null);
        assertError(exchange(Map.of("subject_token_type", jwt)), "invalid_request", null);
        assertError(exchange(Map.of("subject_token", subject, "subject_token_type", "urn:example:saml")), "invalid_request", null);
        assertError(exchange(Map.of("subject_token", subject, "subject_token_type", jwt, "resource", "https://other.test/mcp")),
                "invalid_target", null);
        assertError(exchange(Map.of("subject_token", subject, "subject_token_type", jwt, "scope", "write everything")),
                "invalid_scope", null);
        assertError(exchange(Map.of("subject_token", "x.y.z", "subject_token_type", jwt)), "invalid_grant", "jwt_malformed");
        assertError(exchange(Map.of("subject_token", subject, "subject_token_type", jwt, "actor_token", subject)),
                "invalid_request", null);
        // Revoked: the subject's identity, then the exchange.
        String admin = gw.minter.mint(MintSpec.builder("security-team").right("admin", AdminApi.AREA, "*").build());
        String other = gw.minter.mint(MintSpec.builder("revoked-one").right("tool", "notes", "read_note").build());
        HttpResponse<String> revoke = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(gw.gateway.baseUrl() + "/admin/revocations")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("agent", "revoked-one").encode())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(revoke.statusCode()).isEqualTo(200);
        assertError(exchange(Map.of("subject_token", other, "subject_token_type", "urn:warrant:params:oauth:token-type:biscuit")),
                "invalid_grant", "revoked");
        // Not a form, and a parameter twice.
        HttpResponse<String> json = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(gw.gateway.baseUrl() + "/oauth/token")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(json, "invalid_request", null);
        assertError(post("grant_type=" + enc("urn:ietf:params:oauth:grant-type:token-exchange") + "&subject_token=a&subject_token=b"
                + "&subject_token_type=" + enc(jwt)), "invalid_request", null);
    }

    private static void assertError(HttpResponse<String> r, String error, String reason) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonObject body = new JsonObject(r.body());
        assertThat(body.getString("error")).as(r.body()).isEqualTo(error);
        assertThat(body.getString("error_description")).isNotBlank().doesNotContain("Exception");
        assertThat(body.getString("warrant_reason")).isEqualTo(reason);
        assertThat(body.containsKey("access_token")).isFalse();
    }

    private static HttpResponse<String> exchange(Map<String, String> params) throws Exception {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
        form.putAll(params);
        return post(form.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&")));
    }

    private static HttpResponse<String> post(String form) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.gateway.baseUrl() + "/oauth/token"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
