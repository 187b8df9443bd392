package dev.warrant.gateway;

import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import dev.warrant.gateway.admin.AdminApi;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks through a real gateway (loopback, real notes upstream, Java SDK client and raw HTTP). Each test fails
 * if the gateway lets the call through.
 *
 * <p>Hops with hand-written Datalog (facts named right/caller/peer/time/..., rules, evaluation bombs) cannot be
 * built with Warrant's public API, which only writes narrowing checks; they are covered in delegation's
 * {@code property.HostileBlockPropertyTest} instead.
 */
class AdversarialTest {
    static final String READ = "notes__read_note";
    static final String PUBLIC_NOTE = "/notes/public/hello.md";

    static TestGateway gw;
    static String admin;
    static String planner;
    /** planner -> researcher: read_note only, path under /notes/public/. */
    static String researcher;

    @BeforeAll
    static void start() throws Exception {
        gw = new TestGateway(null);
        admin = gw.minter.mint(MintSpec.builder("sec").right("admin", AdminApi.AREA, "*").ttl(Duration.ofMinutes(30)).build());
        planner = gw.minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .right("tool", "notes", "list_notes").ttl(Duration.ofHours(1)).build());
        researcher = Delegator.attenuate(planner, HopSpec.delegateTo("researcher").tools("notes", "read_note")
                .argPathPrefix("path", "/notes/public/").ttl(Duration.ofMinutes(30)).build(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    // ---- signatures, size ----

    @Test
    void aMalleatedCopyOfARevokedTokenIsStillRefused() throws Exception {
        String victim = gw.minter.mint(MintSpec.builder("victim").right("tool", "notes", "read_note").ttl(Duration.ofHours(1)).build());
        String child = Delegator.attenuate(victim, HopSpec.delegateTo("helper").build(), Clock.systemUTC());
        assertThat(initialize(child).statusCode()).isEqualTo(200);
        List<String> ids = verifier().verify(child).revocationIds();
        assertThat(revoke(ids.get(0)).statusCode()).isEqualTo(200);
        for (int block = 0; block < 2; block++) {
            String malleated = Wire.malleateSignature(child, block);
            assertThat(malleated).isNotEqualTo(child);
            HttpResponse<String> r = initialize(malleated);
            assertThat(r.statusCode()).as("S+L on block %d", block).isEqualTo(401);
            assertThat(EndToEndTest.reason(r)).isIn("signature_not_canonical", "revoked");
        }
    }

    @Test
    void oneFlippedBitInAnyBlockIsRefused() throws Exception {
        List<int[]> blocks = Wire.blockContents(researcher);
        assertThat(blocks).hasSize(2);
        for (int[] span : blocks) {
            for (int pos : new int[] {span[0], span[0] + span[1] / 2, span[0] + span[1] - 1}) {
                byte[] bytes = Base64.getUrlDecoder().decode(researcher);
                bytes[pos] ^= 0x04;
                HttpResponse<String> r = initialize(Base64.getUrlEncoder().encodeToString(bytes));
                assertThat(r.statusCode()).as("flip at %d", pos).isEqualTo(401);
                assertThat(EndToEndTest.reason(r)).isIn("signature_invalid", "token_malformed");
            }
        }
    }

    @Test
    void anOversizeTokenIsRefusedFastBeforeDecoding() throws Exception {
        // A real token padded to ~25 000 characters: above the token limit, below the HTTP header limit.
        String padded = researcher + "A".repeat(25_000 - researcher.length());
        long start = System.nanoTime();
        HttpResponse<String> r = initialize(padded);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(EndToEndTest.reason(r)).isEqualTo("token_too_large");
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(r.body()).doesNotContain("Exception");
    }

    // ---- chain ----

    @Test
    void aChainDeeperThanEightHopsIsRefused() throws Exception {
        String token = planner;
        for (int i = 1; i <= 8; i++) {
            token = Delegator.attenuate(token, HopSpec.delegateTo("agent-" + i).build(), Clock.systemUTC());
        }
        assertThat(initialize(token).statusCode()).as("8 hops are fine").isEqualTo(200);
        String nine = Delegator.attenuate(token, HopSpec.delegateTo("agent-9").build(), Clock.systemUTC());
        HttpResponse<String> r = initialize(nine);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(EndToEndTest.reason(r)).isEqualTo("chain_too_deep");
    }

    @Test
    void anExpiredHopInsideAValidParentIsRefused() throws Exception {
        String expired = Delegator.attenuate(planner, HopSpec.delegateTo("late").ttl(Duration.ofSeconds(30)).build(),
                Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-5)));
        HttpResponse<String> r = initialize(expired);
        if (r.statusCode() == 401) {
            assertThat(EndToEndTest.reason(r)).isEqualTo("token_expired");
            return;
        }
        // Initialize alone may pass; every later message of the session must be refused.
        McpSyncClient client;
        try {
            client = Agents.connect(gw.mcpUrl(), expired);
        } catch (RuntimeException refusedAfterInitialize) {
            assertThat(httpRefusalStatus(refusedAfterInitialize)).isIn(401, 403);
            return;
        }
        try (client) {
            assertThat(Agents.upstreamToolNames(client)).as("nothing is listed to an expired hop").isEmpty();
            // Refused either as a JSON-RPC error or, as the gateway does today, with HTTP 401 (token_expired).
            try {
                McpSchema.CallToolResult result = Agents.call(client, READ, Map.of("path", PUBLIC_NOTE));
                throw new AssertionError("an expired hop was allowed: " + Agents.text(result));
            } catch (McpError e) {
                assertThat(EndToEndTest.reason(e)).isIn("token_expired", "unknown_tool");
            } catch (RuntimeException httpRefusal) {
                assertThat(httpRefusalStatus(httpRefusal)).isIn(401, 403);
            }
        }
    }

    /** The HTTP status the SDK's client was refused with (its exception for 401 and 403), whatever its wording. */
    private static int httpRefusalStatus(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof McpHttpClientTransportAuthorizationException refusal) {
                return refusal.getResponseInfo().statusCode();
            }
        }
        throw new AssertionError("not an HTTP refusal", thrown);
    }

    // ---- paths through the real notes upstream ----

    @Test
    void pathTricksNeverReachAPrivateNote() throws Exception {
        List<String> attacks = List.of(
                "/notes/public/../private/plan.md",
                "/notes/public/./../private/plan.md",
                "/notes/public//../private/plan.md",
                "/notes/public/../../notes/private/plan.md",
                "/notes/private/plan.md",
                "/notes/private/plan.md/",
                "/notes//private/plan.md",
                "/notes/./private/plan.md",
                "file:///notes/public/../private/plan.md",
                "file:///notes/public/%2e%2e/private/plan.md",
                "file:///notes/public/%2E%2E/private/plan.md",
                "file://localhost/notes/private/plan.md",
                "file://evil.example/notes/public/hello.md",
                "notes/public/../private/plan.md",
                "/notes/public/%2e%2e/private/plan.md",
                "/notes/public/..\\private\\plan.md",
                "/notes/public/\u0000/../../private/plan.md");
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), researcher)) {
            assertThat(Agents.text(Agents.call(client, READ, Map.of("path", PUBLIC_NOTE)))).contains("Hello");
            for (String path : attacks) {
                String leaked = outcome(client, READ, Map.of("path", path));
                assertThat(leaked).as(path).doesNotContain("Secret plan");
            }
        }
    }

    @Test
    void anArrayMixingAllowedAndForbiddenPathsIsDenied() throws Exception {
        // read_note ignores "paths"; the constraint on it must still see every element.
        String constrained = Delegator.attenuate(planner, HopSpec.delegateTo("batch").tools("notes", "read_note")
                .argPathPrefix("paths", "/notes/public/").build(), Clock.systemUTC());
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), constrained)) {
            Map<String, Object> ok = Map.of("path", PUBLIC_NOTE, "paths", List.of("/notes/public/x", "/notes/public/y"));
            assertThat(Agents.text(Agents.call(client, READ, ok))).contains("Hello");
            for (List<Object> mixed : List.<List<Object>>of(
                    List.of("/notes/public/x", "/notes/private/plan.md"),
                    List.of("/notes/private/plan.md", "/notes/public/x"),
                    List.of("/notes/public/x", "/notes/public/../private/plan.md"),
                    List.of("/notes/public/x", "relative/plan.md"),
                    List.of("/notes/public/x", 42),
                    List.of("/notes/public/x", List.of("/notes/private/plan.md")),
                    List.of())) {
                Map<String, Object> args = Map.of("path", PUBLIC_NOTE, "paths", mixed);
                McpError e = denied(() -> Agents.call(client, READ, args));
                assertThat(EndToEndTest.reason(e)).as("%s", mixed).isEqualTo("constraint_failed");
            }
        }
    }

    // ---- Datalog injection ----

    static final List<String> HOSTILE = List.of(
            "x\"), right(\"tool\",\"notes\",\"write_note",
            "x\"); allow if true; //",
            "\") or true or (\"",
            "a;\nb",
            "read_note\"].contains($n) or true or [\"",
            "\\\"",
            "ünïcødé ☃ \u202e",
            "*",
            "write_note",
            "notes__write_note");

    @Test
    void injectionThroughArgumentValuesAndKeysNeverWidens() throws Exception {
        String modeBound = Delegator.attenuate(planner, HopSpec.delegateTo("inj").tools("notes", "read_note")
                .argPathPrefix("path", "/notes/public/").argEquals("mode", "safe").build(), Clock.systemUTC());
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), modeBound)) {
            assertThat(Agents.text(Agents.call(client, READ, Map.of("path", PUBLIC_NOTE, "mode", "safe")))).contains("Hello");
            for (String evil : HOSTILE) {
                Map<String, Object> valueAttack = Map.of("path", "/notes/private/plan.md", "mode", evil);
                assertThat(outcome(client, READ, valueAttack)).as(evil).doesNotContain("Secret plan").doesNotContain("Hello");
                Map<String, Object> keyAttack = new LinkedHashMap<>();
                keyAttack.put("path", "/notes/private/plan.md");
                keyAttack.put(evil, "safe");
                keyAttack.put("mode", "unsafe");
                assertThat(outcome(client, READ, keyAttack)).as(evil).doesNotContain("Secret plan");
                Map<String, Object> nested = Map.of("path", PUBLIC_NOTE, "mode", Map.of(evil, "safe"));
                assertThat(outcome(client, READ, nested)).as("nested %s", evil).doesNotContain("Hello");
            }
        }
    }

    @Test
    void injectionThroughToolNamesNeverReachesAnotherTool() throws Exception {
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), researcher)) {
            for (String evil : HOSTILE) {
                for (String name : List.of(evil, "notes__" + evil, "notes__read_note" + evil)) {
                    McpError e = denied(() -> Agents.call(client, name,
                            Map.of("path", PUBLIC_NOTE, "text", "pwned")));
                    assertThat(EndToEndTest.reason(e)).as(name).isIn("unknown_tool", "invalid_params", "not_permitted");
                }
            }
        }
        // The write never happened: the planner (who may list_notes) sees no new note.
        try (McpSyncClient client = Agents.connect(gw.mcpUrl(), planner)) {
            assertThat(Agents.text(Agents.call(client, "notes__list_notes", Map.of()))).doesNotContain("pwned");
        }
    }

    // ---- arguments built to blow up evaluation ----

    @Test
    void argumentBombsAreDeniedQuicklyAndOthersKeepBeingServed() throws Exception {
        List<Object> wide = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            wide.add("/notes/public/" + i);
        }
        Object deep = "/notes/public/x";
        for (int i = 0; i < 50; i++) {
            deep = Map.of("d", deep);
        }
        try (McpSyncClient attacker = Agents.connect(gw.mcpUrl(), researcher);
             McpSyncClient bystander = Agents.connect(gw.mcpUrl(), planner)) {
            for (Map<String, Object> bomb : List.<Map<String, Object>>of(
                    Map.of("path", PUBLIC_NOTE, "wide", wide),
                    Map.of("path", PUBLIC_NOTE, "deep", deep))) {
                long start = System.nanoTime();
                McpError e = denied(() -> Agents.call(attacker, READ, bomb));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                assertThat(EndToEndTest.reason(e)).isEqualTo("argument_limit");
                assertThat(Agents.text(Agents.call(bystander, READ, Map.of("path", PUBLIC_NOTE)))).contains("Hello");
            }
        }
    }

    // ---- helpers ----

    interface Call {
        McpSchema.CallToolResult run();
    }

    /** The call must fail with a JSON-RPC error (not an allowed call, not a tool-level error). */
    static McpError denied(Call call) {
        try {
            McpSchema.CallToolResult result = call.run();
            throw new AssertionError("the gateway allowed the call: " + Agents.text(result));
        } catch (McpError e) {
            return e;
        }
    }

    /** The text of whatever came back: the tool's result, its error, or the gateway's refusal. */
    static String outcome(McpSyncClient client, String tool, Map<String, Object> args) {
        try {
            return Agents.text(Agents.call(client, tool, args));
        } catch (McpError e) {
            return "refused: " + EndToEndTest.reason(e);
        }
    }

    static Verifier verifier() {
        return new Verifier(KeyRing.of(gw.rootKey.publicKey()), VerifierSettings.defaults(), Clock.systemUTC());
    }

    static HttpResponse<String> initialize(String token) throws Exception {
        return Agents.post(gw.mcpUrl(), Agents.INITIALIZE, "Authorization", "Bearer " + token);
    }

    static HttpResponse<String> revoke(String id) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gw.gateway.baseUrl() + "/admin/revocations")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + admin)
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("revocationId", id).put("reason", "adversarial").encode()))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Just enough protobuf wire format to find block contents and signatures in a token without the Biscuit
     * library (which stays inside delegation): Biscuit {2: authority SignedBlock, 3: blocks SignedBlock*},
     * SignedBlock {1: block bytes, 3: signature}.
     */
    static final class Wire {
        static final BigInteger L = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

        /** [offset, length] of each block's content bytes, authority first. */
        static List<int[]> blockContents(String token) {
            return fieldOfSignedBlocks(Base64.getUrlDecoder().decode(token), 1);
        }

        static String malleateSignature(String token, int block) {
            byte[] bytes = Base64.getUrlDecoder().decode(token);
            int[] sig = fieldOfSignedBlocks(bytes, 3).get(block);
            assertThat(sig[1]).isEqualTo(64);
            byte[] be = new byte[33];
            for (int i = 0; i < 32; i++) {
                be[32 - i] = bytes[sig[0] + 32 + i];
            }
            byte[] sPlusL = new BigInteger(be).add(L).toByteArray();
            for (int i = 0; i < 32; i++) {
                int from = sPlusL.length - 1 - i;
                bytes[sig[0] + 32 + i] = from >= 0 ? sPlusL[from] : 0;
            }
            return Base64.getUrlEncoder().encodeToString(bytes);
        }

        private static List<int[]> fieldOfSignedBlocks(byte[] b, int wanted) {
            List<int[]> out = new ArrayList<>();
            for (int[] f : fields(b, 0, b.length)) {
                if (f[0] == 2 || f[0] == 3) {
                    for (int[] inner : fields(b, f[1], f[1] + f[2])) {
                        if (inner[0] == wanted) {
                            out.add(new int[] {inner[1], inner[2]});
                        }
                    }
                }
            }
            return out;
        }

        /** Length-delimited fields in [from, to) as {field number, offset, length}; varints are skipped. */
        private static List<int[]> fields(byte[] b, int from, int to) {
            List<int[]> out = new ArrayList<>();
            int[] pos = {from};
            while (pos[0] < to) {
                long key = varint(b, pos);
                int type = (int) (key & 7);
                if (type == 0) {
                    varint(b, pos);
                } else if (type == 2) {
                    int len = (int) varint(b, pos);
                    out.add(new int[] {(int) (key >>> 3), pos[0], len});
                    pos[0] += len;
                } else {
                    throw new IllegalStateException("unexpected wire type " + type);
                }
            }
            return out;
        }

        private static long varint(byte[] b, int[] pos) {
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                byte x = b[pos[0]++];
                v |= (long) (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
        }
    }
}
