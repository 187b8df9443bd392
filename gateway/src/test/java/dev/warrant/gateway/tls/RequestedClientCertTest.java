package dev.warrant.gateway.tls;

import dev.warrant.delegation.MintSpec;
import dev.warrant.gateway.TestGateway;
import dev.warrant.gateway.config.GatewayConfig;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Client certificates REQUESTED, not required: agents without one may connect (and use unbound tokens), but a
 * peer-bound token still needs the matching verified certificate, and an untrusted certificate is refused.
 */
class RequestedClientCertTest {

    static final String PLANNER = "spiffe://example.org/planner";
    static final Map<String, Object> HELLO = Map.of("path", "/notes/public/hello.md");

    @TempDir
    static Path certs;
    static TestPki pki;
    static TestGateway gw;
    static SSLContext noCert;
    static String bound;
    static String unbound;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create("warrant-test-ca");
        TestPki.writePem(pki.server(), certs, "server");
        TestPki.writeCert(pki.ca.cert(), certs.resolve("ca.pem"));
        noCert = pki.sslContext(null);
        gw = new TestGateway(null, new GatewayConfig.Tls(certs.resolve("server.pem"), certs.resolve("server.key"),
                Optional.of(certs.resolve("ca.pem")), GatewayConfig.ClientAuth.REQUEST));
        bound = gw.minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .peer(PLANNER).ttl(Duration.ofHours(1)).build());
        unbound = gw.minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .ttl(Duration.ofHours(1)).build());
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void withoutACertificateAnUnboundTokenWorks() {
        try (McpSyncClient client = TlsAgents.connect(gw.mcpUrl(), unbound, noCert)) {
            assertThat(TlsAgents.upstreamToolNames(client)).containsExactly("notes__read_note");
            assertThat(TlsAgents.text(TlsAgents.call(client, "notes__read_note", HELLO))).contains("Hello from Warrant");
        }
    }

    @Test
    void withoutACertificateAPeerBoundTokenIsDenied() {
        gw.spans.reset();
        try (McpSyncClient client = TlsAgents.connect(gw.mcpUrl(), bound, noCert)) {
            assertThat(TlsAgents.upstreamToolNames(client)).isEmpty();
            assertThatThrownBy(() -> TlsAgents.call(client, "notes__read_note", HELLO))
                    .isInstanceOfSatisfying(McpError.class, e -> assertThat(TlsAgents.reason(e)).isEqualTo("unknown_tool"));
        }
        assertThat(TlsAgents.authorizeReasons(gw)).containsExactly("authority_check_failed");
    }

    @Test
    void withTheMatchingCertificateAPeerBoundTokenWorks() throws Exception {
        try (McpSyncClient client = TlsAgents.connect(gw.mcpUrl(), bound, pki.sslContext(pki.client(PLANNER)))) {
            assertThat(TlsAgents.text(TlsAgents.call(client, "notes__read_note", HELLO))).contains("Hello from Warrant");
        }
    }

    @Test
    void anUntrustedCertificateIsRefusedNotIgnored() throws Exception {
        // Requested is not "anything goes": a self-made planner certificate must never become peer("...planner").
        TestPki rogue = TestPki.create("rogue-ca");
        SSLContext forged = pki.sslContextPresenting(rogue.client(PLANNER), rogue.ca);
        assertThatThrownBy(() -> TlsAgents.post(forged, gw.mcpUrl(), TlsAgents.INITIALIZE,
                "Authorization", "Bearer " + bound)).isInstanceOf(IOException.class);
    }
}
