package dev.warrant.gateway.tls;

import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.MintSpec;
import dev.warrant.gateway.TestGateway;
import dev.warrant.gateway.config.GatewayConfig;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * mTLS with client certificates REQUIRED: a token bound to a workload identity ({@code check if peer(...)}, in
 * the authority block or in a delegation hop) works only over a connection whose verified client certificate
 * carries that URI SAN.
 */
class MutualTlsTest {

    static final String PLANNER = "spiffe://example.org/planner";
    static final String RESEARCHER = "spiffe://example.org/researcher";
    static final String INTRUDER = "spiffe://example.org/intruder";
    static final Map<String, Object> HELLO = Map.of("path", "/notes/public/hello.md");

    @TempDir
    static Path certs;
    static TestPki pki;
    static TestGateway gw;
    static SSLContext plannerTls;
    static SSLContext researcherTls;
    static SSLContext intruderTls;
    static String plannerBound;
    static String researcherBound;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create("warrant-test-ca");
        TestPki.writePem(pki.server(), certs, "server");
        TestPki.writeCert(pki.ca.cert(), certs.resolve("ca.pem"));
        plannerTls = pki.sslContext(pki.client(PLANNER));
        researcherTls = pki.sslContext(pki.client(RESEARCHER));
        intruderTls = pki.sslContext(pki.client(INTRUDER));

        gw = new TestGateway(null, GatewayConfig.Tls.mutual(
                certs.resolve("server.pem"), certs.resolve("server.key"), certs.resolve("ca.pem")));
        plannerBound = gw.minter.mint(MintSpec.builder("planner")
                .right("tool", "notes", "read_note")
                .peer(PLANNER)
                .ttl(Duration.ofHours(1)).build());
        // The planner's own token is unbound; the hop it hands to the researcher binds the researcher's workload.
        String plannerUnbound = gw.minter.mint(MintSpec.builder("planner")
                .right("tool", "notes", "read_note")
                .ttl(Duration.ofHours(1)).build());
        researcherBound = Delegator.attenuate(plannerUnbound, HopSpec.delegateTo("researcher")
                .tools("notes", "read_note")
                .peer(RESEARCHER)
                .ttl(Duration.ofMinutes(15)).build(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void peerBoundTokenWorksWithTheMatchingCertificate() throws Exception {
        assertThat(gw.mcpUrl().getScheme()).isEqualTo("https");
        HttpResponse<String> init = TlsAgents.post(plannerTls, gw.mcpUrl(), TlsAgents.INITIALIZE,
                "Authorization", "Bearer " + plannerBound);
        assertThat(init.statusCode()).isEqualTo(200);

        try (McpSyncClient client = TlsAgents.connect(gw.mcpUrl(), plannerBound, plannerTls)) {
            assertThat(TlsAgents.upstreamToolNames(client)).containsExactly("notes__read_note");
            assertThat(TlsAgents.text(TlsAgents.call(client, "notes__read_note", HELLO))).contains("Hello from Warrant");
        }
    }

    @Test
    void peerBoundTokenIsDeniedWithAnotherWorkloadsCertificate() {
        gw.spans.reset();
        try (McpSyncClient client = TlsAgents.connect(gw.mcpUrl(), plannerBound, intruderTls)) {
            assertThat(TlsAgents.upstreamToolNames(client)).isEmpty();
            // The tool is invisible to this connection, so it is answered like an unknown tool (docs/ARCHITECTURE.md §2.5);
            // the verdict behind it is the failed peer check of the authority block.
            assertThatThrownBy(() -> TlsAgents.call(client, "notes__read_note", HELLO))
                    .isInstanceOfSatisfying(McpError.class, e -> assertThat(TlsAgents.reason(e)).isEqualTo("unknown_tool"));
        }
        assertThat(TlsAgents.authorizeReasons(gw)).containsExactly("authority_check_failed");
    }

    @Test
    void certificateWithTwoUriSansGivesNoIdentity() throws Exception {
        SSLContext ambiguous = pki.sslContext(pki.client(PLANNER, INTRUDER));
        gw.spans.reset();
        try (McpSyncClient client = TlsAgents.connect(gw.mcpUrl(), plannerBound, ambiguous)) {
            assertThat(TlsAgents.upstreamToolNames(client)).isEmpty();
            assertThatThrownBy(() -> TlsAgents.call(client, "notes__read_note", HELLO)).isInstanceOf(McpError.class);
        }
        assertThat(TlsAgents.authorizeReasons(gw)).containsExactly("authority_check_failed");
    }

    @Test
    void delegationHopBoundToTheResearcherIsEnforced() {
        try (McpSyncClient client = TlsAgents.connect(gw.mcpUrl(), researcherBound, researcherTls)) {
            assertThat(TlsAgents.upstreamToolNames(client)).containsExactly("notes__read_note");
            assertThat(TlsAgents.text(TlsAgents.call(client, "notes__read_note", HELLO))).contains("Hello from Warrant");
        }
        gw.spans.reset();
        // The planner's workload holding the researcher's token: the hop's peer check fails.
        try (McpSyncClient client = TlsAgents.connect(gw.mcpUrl(), researcherBound, plannerTls)) {
            assertThat(TlsAgents.upstreamToolNames(client)).isEmpty();
            assertThatThrownBy(() -> TlsAgents.call(client, "notes__read_note", HELLO))
                    .isInstanceOfSatisfying(McpError.class, e -> assertThat(TlsAgents.reason(e)).isEqualTo("unknown_tool"));
        }
        assertThat(TlsAgents.authorizeReasons(gw)).containsExactly("constraint_failed");
    }

    @Test
    void handshakeIsRefusedWithoutAClientCertificate() throws Exception {
        SSLContext noCert = pki.sslContext(null);
        assertThatThrownBy(() -> TlsAgents.post(noCert, gw.mcpUrl(), TlsAgents.INITIALIZE,
                "Authorization", "Bearer " + plannerBound)).isInstanceOf(IOException.class);
    }

    @Test
    void handshakeIsRefusedForACertificateFromAnotherCa() throws Exception {
        TestPki rogue = TestPki.create("rogue-ca");
        // Trusts the real server CA, but presents a planner identity signed by a CA the gateway does not trust.
        SSLContext forged = pki.sslContextPresenting(rogue.client(PLANNER), rogue.ca);
        assertThatThrownBy(() -> TlsAgents.post(forged, gw.mcpUrl(), TlsAgents.INITIALIZE,
                "Authorization", "Bearer " + plannerBound)).isInstanceOf(IOException.class);
    }

    @Test
    void plainHttpToTheTlsPortGetsNoHttpAnswer() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", gw.gateway.port()), 5000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:" + gw.gateway.port()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(socket.getInputStream());
            assertThat(answer).doesNotContain("HTTP/1.1 200");
        }
        URI plain = URI.create("http://127.0.0.1:" + gw.gateway.port() + "/healthz");
        assertThatThrownBy(() -> TlsAgents.http(plannerTls).send(HttpRequest.newBuilder(plain)
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void advertisedUrlsAreHttps() throws Exception {
        HttpResponse<String> unauthenticated = TlsAgents.post(plannerTls, gw.mcpUrl(), TlsAgents.INITIALIZE);
        assertThat(unauthenticated.statusCode()).isEqualTo(401);
        String base = "https://127.0.0.1:" + gw.gateway.port();
        assertThat(unauthenticated.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h ->
                assertThat(h).contains("resource_metadata=\"" + base + "/.well-known/oauth-protected-resource\""));
        HttpResponse<String> metadata = TlsAgents.http(plannerTls).send(HttpRequest.newBuilder(
                URI.create(base + "/.well-known/oauth-protected-resource")).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(new JsonObject(metadata.body()).getString("resource")).isEqualTo(base + "/mcp");
        // ALPN offers both protocols; the peer identity is read the same way on either.
        assertThat(metadata.version()).isEqualTo(HttpClient.Version.HTTP_2);
        HttpResponse<String> http11 = HttpClient.newBuilder().sslContext(plannerTls).version(HttpClient.Version.HTTP_1_1)
                .build().send(HttpRequest.newBuilder(URI.create(base + "/healthz")).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(http11.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(http11.body()).isEqualTo("ok");
    }

    /** Reads until the server closes the connection (or nothing more comes within the socket timeout). */
    static String readAll(InputStream in) {
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (IOException closedOrTimedOut) {
            // A reset or timeout is as much "no HTTP answer" as a clean close.
        }
        return sb.toString();
    }

    @Test
    void aTokenExchangeNamingThisConnectionsCertificateDelegatesToThatWorkloadAndBindsTheTokenToIt() throws Exception {
        String planner = gw.minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .ttl(Duration.ofHours(1)).build());
        URI endpoint = URI.create("https://" + gw.mcpUrl().getRawAuthority() + "/oauth/token");
        String form = "grant_type=" + enc("urn:ietf:params:oauth:grant-type:token-exchange") + "&subject_token=" + enc(planner)
                + "&subject_token_type=" + enc("urn:warrant:params:oauth:token-type:biscuit") + "&actor_token=" + enc(RESEARCHER)
                + "&actor_token_type=" + enc("urn:warrant:params:oauth:token-type:mtls-peer");
        HttpResponse<String> exchanged = TlsAgents.http(researcherTls).send(HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
        String issued = new io.vertx.core.json.JsonObject(exchanged.body()).getString("access_token");

        try (McpSyncClient client = TlsAgents.connect(gw.mcpUrl(), issued, researcherTls)) {
            assertThat(TlsAgents.text(TlsAgents.call(client, "notes__read_note", HELLO))).contains("Hello from Warrant");
        }
        // Bound to the researcher's workload: useless to anyone else's connection.
        try (McpSyncClient client = TlsAgents.connect(gw.mcpUrl(), issued, intruderTls)) {
            assertThatThrownBy(() -> TlsAgents.call(client, "notes__read_note", HELLO)).isInstanceOf(McpError.class);
        }
        // A connection cannot claim another workload as the actor.
        HttpResponse<String> claimed = TlsAgents.http(intruderTls).send(HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(claimed.statusCode()).isEqualTo(400);
        assertThat(new io.vertx.core.json.JsonObject(claimed.body()).getString("error")).isEqualTo("invalid_grant");
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
