package dev.warrant.gateway;

import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.Identity;
import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import dev.warrant.gateway.admin.AdminApi;
import io.modelcontextprotocol.client.McpSyncClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Revoking a token's authority block stops it and every token delegated from it, on open sessions too. */
class RevocationTest {

    static TestGateway gw;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        gw = new TestGateway(null);
        admin = gw.minter.mint(MintSpec.builder("security-team").right("admin", AdminApi.AREA, "*")
                .ttl(Duration.ofMinutes(30)).build());
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void revokingThePlannerStopsTheDelegatedResearcherOnOpenAndNewSessions() throws Exception {
        String planner = gw.minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .ttl(Duration.ofHours(1)).build());
        String researcher = Delegator.attenuate(planner, HopSpec.delegateTo("researcher")
                .tools("notes", "read_note").argPathPrefix("path", "/notes/public/").build(), Clock.systemUTC());
        String unrelated = gw.minter.mint(MintSpec.builder("other").right("tool", "notes", "read_note")
                .ttl(Duration.ofHours(1)).build());
        List<String> plannerIds = verifier().verify(planner).revocationIds();
        List<String> researcherIds = verifier().verify(researcher).revocationIds();
        assertThat(researcherIds.get(0)).as("the delegated token shares the planner's authority block")
                .isEqualTo(plannerIds.get(0));

        try (McpSyncClient open = Agents.connect(gw.mcpUrl(), researcher);
             McpSyncClient bystander = Agents.connect(gw.mcpUrl(), unrelated)) {
            Map<String, Object> args = Map.of("path", "/notes/public/hello.md");
            assertThat(Agents.text(Agents.call(open, "notes__read_note", args))).contains("Hello");

            HttpResponse<String> revoke = revoke(admin, plannerIds.get(0));
            assertThat(revoke.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(revoke.body()).getString("revoked")).isEqualTo(plannerIds.get(0));

            // Immediately after revoke returned: the open session is refused ...
            assertThatThrownBy(() -> Agents.call(open, "notes__read_note", args)).isInstanceOf(RuntimeException.class);
            // ... and so is every new session, for the planner and the researcher, with reason "revoked".
            for (String token : List.of(planner, researcher)) {
                HttpResponse<String> r = Agents.post(gw.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer " + token);
                assertThat(r.statusCode()).isEqualTo(401);
                assertThat(EndToEndTest.reason(r)).isEqualTo("revoked");
            }
            // A token of another authority block is not affected.
            assertThat(Agents.text(Agents.call(bystander, "notes__read_note", args))).contains("Hello");
        }
    }

    @Test
    void revokingOnlyTheHopLeavesTheParentWorking() throws Exception {
        String planner = gw.minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .ttl(Duration.ofHours(1)).build());
        String researcher = Delegator.attenuate(planner, HopSpec.delegateTo("researcher")
                .tools("notes", "read_note").build(), Clock.systemUTC());
        String hopId = verifier().verify(researcher).revocationIds().get(1);

        assertThat(revoke(admin, hopId).statusCode()).isEqualTo(200);

        HttpResponse<String> child = Agents.post(gw.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer " + researcher);
        assertThat(child.statusCode()).isEqualTo(401);
        HttpResponse<String> parent = Agents.post(gw.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer " + planner);
        assertThat(parent.statusCode()).isEqualTo(200);
    }

    @Test
    void revokingAnIdentityStopsEveryTokenMintedForItAndDelegatedFromThoseButNoOtherIdentity() throws Exception {
        Identity alice = new Identity("https://idp.example.org/realms/agents", "alice");
        String minted = gw.minter.mint(MintSpec.builder("alice").right("tool", "notes", "read_note").identity(alice)
                .ttl(Duration.ofHours(1)).build());
        String delegated = Delegator.attenuate(minted, HopSpec.delegateTo("helper").tools("notes", "read_note").build(),
                Clock.systemUTC());
        // The same subject at another issuer is another identity.
        String namesake = gw.minter.mint(MintSpec.builder("alice").right("tool", "notes", "read_note")
                .identity(new Identity("https://other-idp.example.org", "alice")).ttl(Duration.ofHours(1)).build());

        HttpResponse<String> revoke = send(admin, new JsonObject().put("subject", "alice")
                .put("issuer", "https://idp.example.org/realms/agents").put("reason", "test").encode());
        assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(200);
        JsonObject answer = new JsonObject(revoke.body());
        assertThat(answer.getString("kind")).isEqualTo("identity");
        assertThat(answer.getJsonObject("revoked")).isEqualTo(new JsonObject().put("issuer", alice.issuer()).put("subject", "alice"));

        for (String token : List.of(minted, delegated)) {
            HttpResponse<String> r = Agents.post(gw.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer " + token);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(EndToEndTest.reason(r)).isEqualTo("revoked");
        }
        assertThat(Agents.post(gw.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer " + namesake).statusCode())
                .isEqualTo(200);
        // An identity needs both halves, without control characters.
        assertThat(send(admin, new JsonObject().put("subject", "alice").encode()).statusCode()).isEqualTo(400);
        assertThat(send(admin, new JsonObject().put("subject", "a\nb").put("issuer", "https://idp").encode()).statusCode())
                .isEqualTo(400);
    }

    @Test
    void adminApiNeedsAnAdminRight() throws Exception {
        String agent = gw.minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .ttl(Duration.ofHours(1)).build());
        String someId = verifier().verify(agent).revocationIds().get(0);

        HttpResponse<String> noToken = revoke(null, someId);
        assertThat(noToken.statusCode()).isEqualTo(401);
        HttpResponse<String> notAdmin = revoke(agent, someId);
        assertThat(notAdmin.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(notAdmin.body()).getJsonObject("error").getString("reason")).isEqualTo("not_permitted");
        // Nothing was revoked by the refused calls.
        assertThat(Agents.post(gw.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer " + agent).statusCode()).isEqualTo(200);

        HttpResponse<String> garbage = send(admin, "{\"revocationId\": \"not hex\"}");
        assertThat(garbage.statusCode()).isEqualTo(400);
        HttpResponse<String> notJson = send(admin, "{{{");
        assertThat(notJson.statusCode()).isEqualTo(400);
    }

    private static Verifier verifier() {
        return new Verifier(KeyRing.of(gw.rootKey.publicKey()), VerifierSettings.defaults(), Clock.systemUTC());
    }

    private static HttpResponse<String> revoke(String token, String id) throws Exception {
        return send(token, new JsonObject().put("revocationId", id).put("reason", "test").encode());
    }

    private static HttpResponse<String> send(String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.gateway.baseUrl() + "/admin/revocations")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
