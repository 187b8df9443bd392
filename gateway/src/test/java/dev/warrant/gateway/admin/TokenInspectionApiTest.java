package dev.warrant.gateway.admin;

import biscuit.format.schema.Schema;
import com.google.protobuf.ByteString;
import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static dev.warrant.gateway.admin.AdminCalls.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /admin/inspect} on a real gateway: the explanation of a verified token, and {@code verified: false}
 * with a stable reason for an unknown root key, a tampered signature, an expired and a revoked token; refusals for
 * an oversized or missing token and a caller without the right. The pasted token appears in no answer, not in the
 * audit log and not in the process log (this JVM's stderr, where slf4j-simple writes, is captured meanwhile).
 */
class TokenInspectionApiTest {

    static TestGateway gateway;
    static String admin;
    static final List<String> pasted = new ArrayList<>();
    static final ByteArrayOutputStream processLog = new ByteArrayOutputStream();
    static PrintStream originalErr;

    @BeforeAll
    static void start() throws Exception {
        originalErr = System.err;
        System.setErr(new PrintStream(new Tee(originalErr, processLog), true, StandardCharsets.UTF_8));
        gateway = new TestGateway(null, null);
        admin = gateway.minter.mint(MintSpec.builder("alice").right("admin", AdminApi.AREA, "*")
                .ttl(Duration.ofHours(1)).build());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            String audit = Files.exists(gateway.stateDir.resolve("audit.log"))
                    ? Files.readString(gateway.stateDir.resolve("audit.log")) : "";
            String log;
            synchronized (processLog) {
                log = processLog.toString(StandardCharsets.UTF_8);
            }
            assertThat(log).as("the process log captured something").isNotEmpty();
            for (String token : pasted) {
                assertThat(audit).as("the audit log").doesNotContain(token);
                assertThat(log).as("the process log").doesNotContain(token);
            }
        } finally {
            gateway.close();
            System.setErr(originalErr);
        }
    }

    @Test
    void aVerifiedTokenIsExplainedAsWarrantInspectDoes() throws Exception {
        String token = gateway.minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .task("ticket-42").ttl(Duration.ofHours(1)).build());
        JsonObject answer = inspect(token, 200);
        assertThat(answer.getBoolean("verified")).isTrue();
        assertThat(answer.getBoolean("signatureValid")).isTrue();
        assertThat(answer.containsKey("reason")).isFalse();
        assertThat(answer.getString("agent")).isEqualTo("planner");
        assertThat(answer.getString("task")).isEqualTo("ticket-42");
        assertThat(answer.getJsonArray("chain").getList()).containsExactly("planner");
        assertThat(answer.getJsonArray("blocks")).hasSize(1);
        assertThat(answer.getJsonArray("revocationIds")).hasSize(1);
        assertThat(answer.getString("expiresAt")).isNotNull();
        assertThat(answer.getJsonObject("actClaims").getString("sub")).isEqualTo("planner");
        assertThat(answer.getString("explanation")).contains("planner").contains("As RFC 8693 act claims");
        assertThat(answer.getJsonObject("effective").getJsonArray("rights").encode()).contains("read_note");
    }

    @Test
    void aTokenOfAnotherRootIsExplainedButNotVerified() throws Exception {
        SigningKey other = KeyFiles.loadOrCreate(Files.createTempDirectory("warrant-other-root"));
        String token = new Minter(other, Clock.systemUTC(), Duration.ofHours(24))
                .mint(MintSpec.builder("stranger").right("tool", "notes", "*").ttl(Duration.ofHours(1)).build());
        JsonObject answer = inspect(token, 200);
        assertThat(answer.getBoolean("verified")).isFalse();
        assertThat(answer.getString("reason")).isEqualTo("unknown_root_key");
        assertThat(answer.getBoolean("signatureValid")).isFalse();
        assertThat(answer.getString("agent")).as("still explained").isEqualTo("stranger");
    }

    @Test
    void aTamperedSignatureIsNotVerified() throws Exception {
        String token = gateway.minter.mint(MintSpec.builder("planner").right("tool", "notes", "*")
                .ttl(Duration.ofHours(1)).build());
        Schema.Biscuit parsed = Schema.Biscuit.parseFrom(Base64.getUrlDecoder().decode(token));
        byte[] signature = parsed.getAuthority().getSignature().toByteArray();
        signature[5] ^= 0x01;
        String tampered = Base64.getUrlEncoder().encodeToString(parsed.toBuilder()
                .setAuthority(parsed.getAuthority().toBuilder().setSignature(ByteString.copyFrom(signature)))
                .build().toByteArray());
        JsonObject answer = inspect(tampered, 200);
        assertThat(answer.getBoolean("verified")).isFalse();
        assertThat(answer.getString("reason")).isEqualTo("signature_invalid");
    }

    @Test
    void anExpiredTokenHasAValidSignatureButIsNotVerified() throws Exception {
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(3)), ZoneOffset.UTC);
        String token = new Minter(gateway.rootKey, past, Duration.ofHours(24))
                .mint(MintSpec.builder("planner").right("tool", "notes", "*").ttl(Duration.ofHours(1)).build());
        JsonObject answer = inspect(token, 200);
        assertThat(answer.getBoolean("verified")).isFalse();
        assertThat(answer.getString("reason")).isEqualTo("token_expired");
        assertThat(answer.getBoolean("signatureValid")).isTrue();
    }

    @Test
    void aRevokedTokenIsNotVerifiedAndInspectingRevokesNothing() throws Exception {
        String token = gateway.minter.mint(MintSpec.builder("doomed").right("tool", "notes", "*")
                .ttl(Duration.ofHours(1)).build());
        JsonObject first = inspect(token, 200);
        assertThat(first.getBoolean("verified")).as("inspecting does not revoke").isTrue();
        String id = first.getJsonArray("revocationIds").getString(0);
        assertThat(send(gateway.gateway, admin, "POST", "/admin/revocations",
                new JsonObject().put("revocationId", id).encode()).statusCode()).isEqualTo(200);
        JsonObject answer = inspect(token, 200);
        assertThat(answer.getBoolean("verified")).isFalse();
        assertThat(answer.getString("reason")).isEqualTo("revoked");
        assertThat(answer.getBoolean("signatureValid")).isTrue();
    }

    @Test
    void oversizedMissingAndUnreadableTokensAreRefused() throws Exception {
        String huge = "A".repeat(30_000);
        HttpResponse<String> tooLarge = post(admin, new JsonObject().put("token", huge).encode());
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(AdminCalls.reason(tooLarge)).isEqualTo("inspected_token_too_large");
        assertThat(tooLarge.body()).doesNotContain(huge.substring(0, 100));

        HttpResponse<String> missing = post(admin, "{}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(AdminCalls.reason(missing)).isEqualTo("invalid_request");

        String garbage = "not-a-token-" + "x".repeat(40);
        HttpResponse<String> unreadable = post(admin, new JsonObject().put("token", garbage).encode());
        pasted.add(garbage);
        assertThat(unreadable.statusCode()).isEqualTo(400);
        assertThat(AdminCalls.reason(unreadable)).isEqualTo("inspected_token_malformed");
        assertThat(unreadable.body()).doesNotContain(garbage);
    }

    @Test
    void theInspectorNeedsItsOwnRight() throws Exception {
        String reader = gateway.minter.mint(MintSpec.builder("viewer").right("admin", AdminApi.AREA, AdminApi.CLUSTER_READ)
                .ttl(Duration.ofHours(1)).build());
        String token = gateway.minter.mint(MintSpec.builder("planner").right("tool", "notes", "*")
                .ttl(Duration.ofHours(1)).build());
        pasted.add(token);
        HttpResponse<String> refused = post(reader, new JsonObject().put("token", token).encode());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).doesNotContain(token);
        String inspector = gateway.minter.mint(MintSpec.builder("auditor").right("admin", AdminApi.AREA, OperatorApi.INSPECT)
                .ttl(Duration.ofHours(1)).build());
        assertThat(post(inspector, new JsonObject().put("token", token).encode()).statusCode()).isEqualTo(200);
    }

    /** Inspects {@code token} and checks the answer neither echoes it nor has a token field. */
    private static JsonObject inspect(String token, int status) throws Exception {
        pasted.add(token);
        HttpResponse<String> r = post(admin, new JsonObject().put("token", token).encode());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).doesNotContain(token);
        JsonObject answer = new JsonObject(r.body());
        assertThat(answer.containsKey("token")).isFalse();
        return answer;
    }

    private static HttpResponse<String> post(String caller, String body) throws Exception {
        return send(gateway.gateway, caller, "POST", "/admin/inspect", body);
    }

    /** Writes to both streams; the copy is read under its own lock. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final ByteArrayOutputStream copy;

        Tee(OutputStream first, ByteArrayOutputStream copy) {
            this.first = first;
            this.copy = copy;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            first.write(b);
            synchronized (copy) {
                copy.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            first.write(b, off, len);
            synchronized (copy) {
                copy.write(b, off, len);
            }
        }

        @Override
        public void flush() throws java.io.IOException {
            first.flush();
        }
    }
}
