package dev.warrant.gateway.tls;

import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.config.ConfigException;
import dev.warrant.gateway.config.ConfigLoader;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.transport.TlsListener;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code tls:} config section: strict like the rest, and bad PEM material is a config error, not a crash. */
class TlsConfigTest {

    static final String KEYS = "keys: [ { id: root, publicKey: \"" + SigningKey.generate("root").publicKey().hex() + "\" } ]\n";

    @TempDir
    static Path dir;
    static Vertx vertx;

    @BeforeAll
    static void pem() throws Exception {
        TestPki pki = TestPki.create("ca");
        TestPki.writePem(pki.server(), dir, "server");
        TestPki.writeCert(pki.ca.cert(), dir.resolve("ca.pem"));
        Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void close() {
        vertx.close();
    }

    static GatewayConfig parse(String tls) {
        return new ConfigLoader(Map.of()).parse(KEYS + tls, dir);
    }

    static void refused(String tls, String messageStart) {
        assertThatThrownBy(() -> parse(tls)).as(tls)
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.getMessage()).startsWith(messageStart).doesNotContain("\n");
                    assertThat(e.getStackTrace()).isEmpty();
                });
    }

    @Test
    void noTlsSectionMeansPlainHttp() {
        assertThat(parse("").tls()).isEmpty();
    }

    @Test
    void relativePathsResolveAgainstTheConfigFileAndClientAuthDefaultsToRequired() {
        GatewayConfig.Tls tls = parse("tls: { certFile: server.pem, keyFile: server.key, clientCaFile: ca.pem }\n").tls().orElseThrow();
        assertThat(tls.certFile()).isEqualTo(dir.resolve("server.pem"));
        assertThat(tls.keyFile()).isEqualTo(dir.resolve("server.key"));
        assertThat(tls.clientCaFile()).contains(dir.resolve("ca.pem"));
        assertThat(tls.clientAuth()).isEqualTo(GatewayConfig.ClientAuth.REQUIRED);
    }

    @Test
    void serverOnlyTlsAndRequestedClientCertificates() {
        assertThat(parse("tls: { certFile: server.pem, keyFile: server.key }\n").tls().orElseThrow().clientAuth())
                .isEqualTo(GatewayConfig.ClientAuth.NONE);
        assertThat(parse("tls: { certFile: server.pem, keyFile: server.key, clientCaFile: ca.pem, clientAuth: request }\n")
                .tls().orElseThrow().clientAuth()).isEqualTo(GatewayConfig.ClientAuth.REQUEST);
    }

    @Test
    void mistakesAreOneLineNamingTheSetting() {
        refused("tls: { certFile: missing.pem, keyFile: server.key }\n", "tls.certFile: cannot read " + dir.resolve("missing.pem"));
        refused("tls: { certFile: server.pem, keyFile: missing.key }\n", "tls.keyFile: cannot read");
        refused("tls: { certFile: server.pem, keyFile: server.key, clientCaFile: nope.pem }\n", "tls.clientCaFile: cannot read");
        refused("tls: { keyFile: server.key }\n", "tls.certFile: required");
        refused("tls: { certFile: server.pem, keyFile: server.key, clientCert: x }\n", "tls.clientCert: unknown setting");
        refused("tls: { certFile: server.pem, keyFile: server.key, clientCaFile: ca.pem, clientAuth: maybe }\n",
                "tls.clientAuth: must be NONE, REQUEST or REQUIRED");
        refused("tls: { certFile: server.pem, keyFile: server.key, clientAuth: REQUIRED }\n",
                "tls.clientCaFile: required when tls.clientAuth is REQUIRED");
        refused("tls: { certFile: server.pem, keyFile: server.key, clientCaFile: ca.pem, clientAuth: NONE }\n",
                "tls.clientAuth: NONE contradicts tls.clientCaFile");
        refused("tls: server.pem\n", "tls: must be a mapping");
    }

    @Test
    void listenerOptionsFollowTheConfig() {
        HttpServerOptions options = TlsListener.apply(new HttpServerOptions(),
                GatewayConfig.Tls.mutual(dir.resolve("server.pem"), dir.resolve("server.key"), dir.resolve("ca.pem")), vertx);
        assertThat(options.isSsl()).isTrue();
        assertThat(options.getClientAuth()).isEqualTo(ClientAuth.REQUIRED);
    }

    @Test
    void unreadablePemIsAConfigErrorBeforeListening() {
        assertThatThrownBy(() -> TlsListener.apply(new HttpServerOptions(), new GatewayConfig.Tls(
                dir.resolve("garbage.pem"), dir.resolve("server.key"), Optional.empty(), GatewayConfig.ClientAuth.NONE), vertx))
                .isInstanceOfSatisfying(ConfigException.class, e ->
                        assertThat(e.getMessage()).startsWith("tls.certFile / tls.keyFile: cannot load PEM").doesNotContain("\n"));
        assertThatThrownBy(() -> TlsListener.apply(new HttpServerOptions(), GatewayConfig.Tls.mutual(
                dir.resolve("server.pem"), dir.resolve("server.key"), dir.resolve("garbage.pem")), vertx))
                .isInstanceOfSatisfying(ConfigException.class, e ->
                        assertThat(e.getMessage()).startsWith("tls.clientCaFile: cannot load PEM"));
    }
}
