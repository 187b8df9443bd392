package dev.warrant.gateway.config;

import dev.warrant.adapters.HttpUpstreamSpec;
import dev.warrant.adapters.StdioUpstreamSpec;
import dev.warrant.delegation.RootPublicKey;
import dev.warrant.delegation.SigningKey;
import dev.warrant.policies.RiskTier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The config file is the operator's interface: every mistake must be caught at startup with one line that
 * names the setting, and nothing may silently fall back to a default.
 */
class ConfigLoaderTest {

    static final String HEX = SigningKey.generate("root").publicKey().hex();
    static final String HEX2 = SigningKey.generate("next").publicKey().hex();
    static final Map<String, String> ENV = Map.of(
            "UPSTREAM_TOKEN", "s3cret",
            "NOTES_DIR", "/srv/notes",
            "TRICKY", "${env:UPSTREAM_TOKEN}");

    static final String KEYS = "keys: [ { id: root, publicKey: \"" + HEX + "\" } ]\n";

    static final String FULL = """
            listen: { host: 127.0.0.1, port: 9090 }
            stateDir: /var/lib/warrant
            keys:
              - id: root
                publicKey: "%s"
              - id: next
                publicKey: "%s"
            tokens: { maxTtl: PT2H, maxDepth: 4, maxBytes: 8192 }
            cluster: { name: prod, port: 5801, members: [ "127.0.0.1:5801", "127.0.0.1:5802" ] }
            upstreams:
              - name: notes
                stdio:
                  command: java
                  args: [ "-jar", "notes.jar", "--dir", "${env:NOTES_DIR}" ]
                  env: { NOTES_TOKEN: "${env:UPSTREAM_TOKEN}", PLAIN: "x" }
                timeout: PT30S
                risk: { write_note: high, read_note: LOW }
              - name: everything
                http:
                  url: "http://127.0.0.1:3001/mcp"
                  headers: { Authorization: "Bearer ${env:UPSTREAM_TOKEN}", X-Literal: "${env:TRICKY}" }
            policies: { dir: /etc/warrant/policies }
            audit: { file: /var/log/warrant/audit.log }
            allowedHosts: [ "gateway.example.org:8443" ]
            limits: { maxBodyBytes: 2097152 }
            """.formatted(HEX, HEX2);

    static GatewayConfig parse(String yaml) {
        return new ConfigLoader(ENV).parse(yaml, null);
    }

    /** Asserts a ConfigException with one line that names {@code settingPath}. */
    static ConfigException refused(String yaml, String settingPath) {
        return refused(() -> parse(yaml), settingPath);
    }

    static ConfigException refused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String settingPath) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(t).isInstanceOf(ConfigException.class);
        assertThat(t.getMessage()).contains(settingPath).doesNotContain("\n").doesNotContain("\r");
        return (ConfigException) t;
    }

    @Test
    void aFullConfigParsesToTheRightValues() {
        GatewayConfig c = parse(FULL);
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(9090);
        assertThat(c.stateDir()).isEqualTo(Path.of("/var/lib/warrant"));
        assertThat(c.rootKeys()).containsExactly(new RootPublicKey("root", HEX), new RootPublicKey("next", HEX2));
        assertThat(c.maxTokenTtl()).isEqualTo(Duration.ofHours(2));
        assertThat(c.maxChainDepth()).isEqualTo(4);
        assertThat(c.maxTokenBytes()).isEqualTo(8192);
        assertThat(c.clusterName()).isEqualTo("prod");
        assertThat(c.clusterPort()).isEqualTo(5801);
        assertThat(c.clusterMembers()).containsExactly("127.0.0.1:5801", "127.0.0.1:5802");
        assertThat(c.policiesDir()).contains(Path.of("/etc/warrant/policies"));
        assertThat(c.auditFile()).contains(Path.of("/var/log/warrant/audit.log"));
        assertThat(c.allowedHosts()).containsExactly("gateway.example.org:8443");
        assertThat(c.maxBodyBytes()).isEqualTo(2 * 1024 * 1024);

        assertThat(c.upstreams()).hasSize(2);
        GatewayConfig.Upstream notes = c.upstreams().get(0);
        assertThat(notes.spec()).isEqualTo(new StdioUpstreamSpec("notes", "java",
                List.of("-jar", "notes.jar", "--dir", "/srv/notes"),
                Map.of("NOTES_TOKEN", "s3cret", "PLAIN", "x"), Duration.ofSeconds(30)));
        assertThat(notes.risks()).isEqualTo(Map.of("write_note", RiskTier.HIGH, "read_note", RiskTier.LOW));

        GatewayConfig.Upstream everything = c.upstreams().get(1);
        // Interpolation is one level: a variable whose value looks like ${env:...} stays literal.
        assertThat(everything.spec()).isEqualTo(new HttpUpstreamSpec("everything", URI.create("http://127.0.0.1:3001/mcp"),
                Map.of("Authorization", "Bearer s3cret", "X-Literal", "${env:UPSTREAM_TOKEN}"), Duration.ofSeconds(60)));
        assertThat(everything.risks()).isEmpty();
    }

    @Test
    void aMinimalConfigGetsTheDocumentedDefaults() {
        GatewayConfig c = parse(KEYS);
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.maxTokenTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(c.maxChainDepth()).isEqualTo(8);
        assertThat(c.maxTokenBytes()).isEqualTo(16_384);
        assertThat(c.maxBodyBytes()).isEqualTo(1 << 20);
        assertThat(c.upstreams()).isEmpty();
        assertThat(c.allowedHosts()).isEmpty();
        assertThat(c.policiesDir()).isEmpty();
    }

    @Test
    void relativePathsResolveAgainstTheConfigFilesDirectory(@TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("keys/root.pub");
        Files.createDirectories(keyFile.getParent());
        Files.writeString(keyFile, HEX + "\n");
        Path file = dir.resolve("warrant.yaml");
        Files.writeString(file, """
                stateDir: state
                keys: [ { id: root, publicKeyFile: keys/root.pub } ]
                policies: { dir: ./policies }
                audit: { file: logs/../audit.log }
                """);
        GatewayConfig c = new ConfigLoader(Map.of()).load(file);
        assertThat(c.stateDir()).isEqualTo(dir.toAbsolutePath().resolve("state"));
        assertThat(c.rootKeys()).containsExactly(new RootPublicKey("root", HEX));
        assertThat(c.policiesDir()).contains(dir.toAbsolutePath().resolve("policies"));
        assertThat(c.auditFile()).contains(dir.toAbsolutePath().resolve("audit.log"));
    }

    @Test
    void environmentOverridesApplyAfterTheFile() {
        Map<String, String> env = new java.util.HashMap<>(ENV);
        env.putAll(Map.of("WARRANT_PORT", " 9443 ", "WARRANT_HOST", "::1",
                "WARRANT_CLUSTER_MEMBERS", "127.0.0.1:1, 127.0.0.1:2", "WARRANT_CLUSTER_NAME", ""));
        GatewayConfig c = new ConfigLoader(env).parse(FULL, null);
        assertThat(c.port()).isEqualTo(9443);
        assertThat(c.host()).isEqualTo("::1");
        assertThat(c.clusterMembers()).containsExactly("127.0.0.1:1", "127.0.0.1:2");
        assertThat(c.clusterName()).isEqualTo("prod"); // blank means unset
        refused(() -> new ConfigLoader(Map.of("WARRANT_PORT", "http")).parse(KEYS, null), "WARRANT_PORT");
        refused(() -> new ConfigLoader(Map.of("WARRANT_PORT", "70000")).parse(KEYS, null), "port");
    }

    // --- every error names its setting, in one line ---

    @Test
    void shutdownSettingsParseAndOutOfRangeOnesAreRefusedByName() {
        GatewayConfig c = parse(KEYS + "shutdown: { drain: PT2S, grace: PT20S }\n");
        assertThat(c.shutdown()).isEqualTo(new dev.warrant.gateway.health.ShutdownSettings(Duration.ofSeconds(2),
                Duration.ofSeconds(20)));
        assertThat(parse(KEYS).shutdown()).isEqualTo(dev.warrant.gateway.health.ShutdownSettings.defaults());
        refused(KEYS + "shutdown: { grace: PT10M }\n", "shutdown.grace");
        refused(KEYS + "shutdown: { drain: -PT1S }\n", "shutdown.drain");
        refused(KEYS + "shutdown: { linger: PT1S }\n", "shutdown.linger");
    }

    @Test
    void theLimitScopeDefaultsToDividedAndAnUnknownOneIsRefusedByName() {
        assertThat(parse(KEYS).limits().scope()).isEqualTo(dev.warrant.policies.limits.LimitScope.DIVIDED);
        assertThat(parse(KEYS + "limits: { scope: cluster }\n").limits().scope())
                .isEqualTo(dev.warrant.policies.limits.LimitScope.CLUSTER);
        refused(KEYS + "limits: { scope: global }\n", "limits.scope");
    }

    @Test
    void unknownTopLevelKey() {
        ConfigException e = refused(KEYS + "lisen: { port: 1 }\n", "lisen");
        assertThat(e.getMessage()).contains("unknown").contains("listen");
    }

    @Test
    void unknownNestedKeys() {
        refused(KEYS + "listen: { host: 127.0.0.1, prot: 1 }\n", "listen.prot");
        refused(KEYS + "tokens: { maxTTL: PT1H }\n", "tokens.maxTTL");
        refused("keys: [ { id: root, publicKey: \"" + HEX + "\", private: x } ]\n", "keys[0].private");
        refused(KEYS + "upstreams: [ { name: a, stdio: { command: x, argv: [] } } ]\n", "upstreams[0].stdio.argv");
        refused(KEYS + "upstreams: [ { name: a, http: { url: \"http://127.0.0.1:1/mcp\", header: {} } } ]\n",
                "upstreams[0].http.header");
        refused(KEYS + "upstreams: [ { name: a, stdio: { command: x }, timout: PT1S } ]\n", "upstreams[0].timout");
    }

    @Test
    void missingStdioCommand() {
        refused(KEYS + """
                upstreams:
                  - name: a
                    stdio: { command: x }
                  - name: b
                    stdio: { args: [ y ] }
                """, "upstreams[1].stdio.command");
        refused(KEYS + """
                upstreams:
                  - name: a
                    stdio: { command: "  " }
                """, "upstreams[0].stdio.command");
    }

    @Test
    void anEmptyOrNonMappingStdioNamesItsPath() {
        refused(KEYS + """
                upstreams:
                  - name: a
                    stdio:
                """, "upstreams[0].stdio");
        refused(KEYS + """
                upstreams:
                  - name: a
                    stdio: "java -jar x.jar"
                """, "upstreams[0].stdio");
        refused(KEYS + """
                upstreams:
                  - name: a
                    http: [ "http://127.0.0.1:1/mcp" ]
                """, "upstreams[0].http");
        refused(KEYS + "upstreams: [ { name: a, stdio: { command: x }, risk: high } ]\n", "upstreams[0].risk");
    }

    @Test
    void bothStdioAndHttpOrNeither() {
        ConfigException both = refused(KEYS + """
                upstreams:
                  - name: a
                    stdio: { command: x }
                    http: { url: "http://127.0.0.1:1/mcp" }
                """, "upstreams[0]");
        assertThat(both.getMessage()).contains("stdio").contains("http");
        refused(KEYS + "upstreams: [ { name: a } ]\n", "upstreams[0]");
    }

    @Test
    void missingUpstreamName() {
        refused(KEYS + "upstreams: [ { stdio: { command: x } } ]\n", "upstreams[0].name");
        refused(KEYS + "upstreams: [ { name: Bad__Name, stdio: { command: x } } ]\n", "upstreams[0]");
    }

    @Test
    void badDurations() {
        refused(KEYS + "upstreams: [ { name: a, stdio: { command: x }, timeout: 30s } ]\n", "upstreams[0].timeout");
        refused(KEYS + "tokens: { maxTtl: 1 hour }\n", "tokens.maxTtl");
        refused(KEYS + "tokens: { maxTtl: PT0S }\n", "tokens.maxTtl");
        ConfigException negative = refused(KEYS + "upstreams: [ { name: a, stdio: { command: x }, timeout: PT-5S } ]\n",
                "upstreams[0]");
        assertThat(negative.getMessage()).containsIgnoringCase("timeout");
    }

    @Test
    void badRiskTier() {
        ConfigException e = refused(KEYS + """
                upstreams:
                  - name: notes
                    stdio: { command: x }
                    risk: { write_note: critical }
                """, "upstreams[0].risk.write_note");
        assertThat(e.getMessage()).contains("critical").contains("low, medium or high");
    }

    @Test
    void missingEnvironmentVariable() {
        ConfigException e = refused(KEYS + """
                upstreams:
                  - name: a
                    stdio: { command: x }
                  - name: b
                    http: { url: "http://127.0.0.1:1/mcp", headers: { Authorization: "Bearer ${env:NOPE}" } }
                """, "upstreams[1].http.headers.Authorization");
        assertThat(e.getMessage()).contains("NOPE");
        refused(KEYS + "upstreams: [ { name: a, stdio: { command: x, args: [ \"${env:NOPE}\" ] } } ]\n",
                "upstreams[0].stdio.args[0]");
        refused(KEYS + "upstreams: [ { name: a, stdio: { command: \"${env:UPSTREAM_TOKEN\" } } ]\n",
                "upstreams[0].stdio.command");
    }

    @Test
    void yamlErrorsDoNotEchoTheSource() {
        // The parser quotes the offending line; in a config that line may hold a secret.
        ConfigException e = refused(KEYS + "upstreams: [ { name: a, http: { headers: { Authorization: \"Bearer hunter2 } } ]\n",
                "YAML");
        assertThat(e.getMessage()).doesNotContain("hunter2");
    }

    @Test
    void notYaml() {
        for (String bad : new String[] {"listen: [\n  port: 1\n", "keys: { id: \"unterminated }\n", "\tlisten:\n\t\tport: 1\n",
                "a: b: c\n"}) {
            ConfigException e = refused(bad, "YAML");
            assertThat(e.getMessage()).as(bad).startsWith("config is not valid YAML");
        }
        refused("- just\n- a list\n", "mapping");
        refused("42\n", "mapping");
    }

    @Test
    void duplicateKeysAreRefusedNotSilentlyOverwritten() {
        // A second allowedHosts (or listen) further down would otherwise silently win.
        refused(KEYS + "allowedHosts: [ a.example:443 ]\nallowedHosts: [ evil.example:443 ]\n", "allowedHosts");
        refused(KEYS + "listen: { port: 1, port: 2 }\n", "port");
    }

    @Test
    void missingFile(@TempDir Path dir) {
        Path nowhere = dir.resolve("nope.yaml");
        ConfigException e = refused(() -> new ConfigLoader(Map.of()).load(nowhere), "nope.yaml");
        assertThat(e.getMessage()).contains("not found");
    }

    @Test
    void duplicateUpstreamNames() {
        ConfigException e = refused(KEYS + """
                upstreams:
                  - name: notes
                    stdio: { command: x }
                  - name: notes
                    http: { url: "http://127.0.0.1:1/mcp" }
                """, "upstreams");
        assertThat(e.getMessage()).contains("unique");
    }

    @Test
    void noKeys() {
        refused("listen: { port: 8080 }\n", "keys");
        refused("", "keys");
        refused("keys: []\n", "keys");
        refused("keys: root\n", "keys");
    }

    @Test
    void aKeyWithoutAnIdGetsTheIdDerivedFromTheKey() {
        GatewayConfig c = parse("keys: [ { publicKey: \"" + HEX + "\" } ]\n");
        assertThat(c.rootKeys()).containsExactly(new RootPublicKey(dev.warrant.delegation.KeyFiles.defaultKeyId(HEX), HEX));
    }

    @Test
    void badKeys() {
        refused("keys: [ { id: root } ]\n", "keys[0]");
        refused("keys: [ { id: root, publicKey: \"abcd\" } ]\n", "keys[0]");
        refused("keys: [ { id: \"\", publicKey: \"" + HEX + "\" } ]\n", "keys[0].id");
        refused("keys: [ { id: \"bad id!\", publicKey: \"" + HEX + "\" } ]\n", "keys[0]");
        refused("keys: [ { id: root, publicKeyFile: /nonexistent/root.pub } ]\n", "keys[0].publicKeyFile");
        // Without an id the id is derived from the key, and a malformed key is still a config error, not a crash.
        refused("keys: [ { publicKey: \"abcd\" } ]\n", "keys[0]");
    }

    @Test
    void badNumbersAndUrls() {
        refused(KEYS + "listen: { port: eighty }\n", "listen.port");
        refused(KEYS + "listen: { port: 70000 }\n", "listen.port");
        refused(KEYS + "listen: { port: 1.5 }\n", "listen.port");
        refused(KEYS + "listen: 8080\n", "listen");
        refused(KEYS + "limits: { maxBodyBytes: 10 }\n", "limits.maxBodyBytes");
        refused(KEYS + "tokens: { maxDepth: -1 }\n", "tokens.maxDepth");
        refused(KEYS + "tokens: { maxBytes: 99999999999 }\n", "tokens.maxBytes");
        refused(KEYS + "upstreams: [ { name: a, http: { url: \"ftp://127.0.0.1/mcp\" } } ]\n", "upstreams[0]");
        refused(KEYS + "upstreams: [ { name: a, http: { url: \"http://[not a url\" } } ]\n", "upstreams[0].http.url");
        refused(KEYS + "upstreams: [ { name: a, http: { url: \"http://127.0.0.1:1/mcp\", headers: { Host: x } } } ]\n",
                "upstreams[0]");
        refused(KEYS + "allowedHosts: gateway.example.org\n", "allowedHosts");
        refused(KEYS + "upstreams: { name: a }\n", "upstreams");
    }

    @Test
    void optionalHelpersAreEmptyNotNull() {
        GatewayConfig c = parse(KEYS);
        assertThat(c.auditFile()).isEqualTo(Optional.empty());
    }
}
