package dev.warrant.gateway.cli;

import dev.warrant.delegation.Identity;
import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.RootPublicKey;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import dev.warrant.gateway.Gateway;
import dev.warrant.gateway.ProcessPorts;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.otel.Telemetry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.warrant.gateway.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code warrant revoke} against a real single-node gateway on loopback (one instance for the class). */
class RevokeCommandTest {
    @TempDir
    static Path dir;
    static Gateway gateway;
    static Verifier verifier;
    static Path adminToken;
    static Path agentToken;

    @BeforeAll
    static void start() throws Exception {
        Path keys = dir.resolve("keys");
        run("keygen", "--out", keys.toString(), "--key-id", "root").ok();
        RootPublicKey root = new RootPublicKey("root", Files.readString(keys.resolve("root.pub")));
        verifier = new Verifier(KeyRing.of(root), VerifierSettings.defaults(), Clock.systemUTC());
        gateway = Gateway.start(GatewayConfig.builder()
                .host("127.0.0.1").port(0).stateDir(dir.resolve("state"))
                .rootKeys(List.of(root))
                .clusterName("warrant-cli-test-" + UUID.randomUUID())
                .clusterPort(ProcessPorts.freePort())
                .build(), Telemetry.noop(), Clock.systemUTC());
        String key = keys.resolve("root.key").toString();
        adminToken = Files.writeString(dir.resolve("admin.token"), run("mint", "--key", key, "--agent", "security-team",
                "--right", "admin:warrant:*", "--ttl", "30m").ok().out());
        agentToken = Files.writeString(dir.resolve("agent.token"), run("mint", "--key", key, "--agent", "planner",
                "--right", "tool:notes:read_note").ok().out());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static String url() {
        return gateway.baseUrl().toString();
    }

    @Test
    void revokesTheIdThatInspectPrints() throws Exception {
        Matcher m = Pattern.compile("block 0, revocation id ([0-9a-f]+)")
                .matcher(run("inspect", "--token-file", agentToken.toString()).ok().out());
        assertThat(m.find()).isTrue();
        String id = m.group(1);
        assertThat(gateway.revocations().isRevoked(verifier.verify(Files.readString(agentToken).strip()))).isFalse();

        CliRun r = run("revoke", "--url", url(), "--token-file", adminToken.toString(), "--id", id.toUpperCase(),
                "--reason", "drifted").ok();
        assertThat(r.out()).isEqualTo("revoked " + id + System.lineSeparator());
        assertThat(gateway.revocations().isRevoked(verifier.verify(Files.readString(agentToken).strip()))).isTrue();
    }

    @Test
    void revokesAnIdentityBySubjectAndIssuer() throws Exception {
        Minter minter = new Minter(KeyFiles.load(dir.resolve("keys/root.key"), "root"), Clock.systemUTC(), Duration.ofHours(1));
        String minted = minter.mint(MintSpec.builder("bob").right("tool", "notes", "read_note")
                .identity(new Identity("https://idp.example.org", "bob@example.org")).build());
        assertThat(gateway.revocations().isRevoked(verifier.verify(minted))).isFalse();

        CliRun r = run("revoke", "--url", url(), "--token-file", adminToken.toString(), "--subject", "bob@example.org",
                "--issuer", "https://idp.example.org").ok();
        assertThat(r.out()).isEqualTo("revoked subject bob@example.org of https://idp.example.org" + System.lineSeparator());
        assertThat(gateway.revocations().isRevoked(verifier.verify(minted))).isTrue();
        run("revoke", "--url", url(), "--token-file", adminToken.toString(), "--subject", "bob").fails(2, "--subject and --issuer");
    }

    @Test
    void aTokenWithoutTheAdminRightIsRefused() {
        run("revoke", "--url", url(), "--token-file", agentToken.toString(), "--id", "ab12")
                .fails(1, "revocation refused (HTTP 403");
    }

    @Test
    void badIdAndUrlAreBadInput() {
        run("revoke", "--url", url(), "--token-file", adminToken.toString(), "--id", "xyz").fails(2, "--id must be");
        run("revoke", "--url", "ftp://127.0.0.1", "--token-file", adminToken.toString(), "--id", "ab").fails(2, "--url");
        run("revoke", "--url", url(), "--token-file", dir.resolve("none").toString(), "--id", "ab").fails(2, "token file not found");
    }

    @Test
    void anUnreachableGatewayIsOneLine() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        run("revoke", "--url", "http://127.0.0.1:" + port, "--token-file", adminToken.toString(), "--id", "ab")
                .fails(1, "cannot reach");
    }
}
