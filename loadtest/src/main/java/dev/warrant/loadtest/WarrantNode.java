package dev.warrant.loadtest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code warrant serve --config FILE} as a separate JVM, as an operator runs it: three upstreams for the same
 * echo server ({@code fast} over Streamable HTTP, {@code fast2026} over Streamable HTTP speaking 2026-07-28,
 * {@code faststdio} over stdio), an operator policy set of 16
 * statements (21 with the defaults, the set docs/ARCHITECTURE.md §10's budget assumes), the audit log on as shipped, and the
 * per-caller rate limit off (50/s by default, which a benchmark agent exceeds by design). With a {@link JwtIssuer}
 * (the {@code warrant-jwt} scenario) it also accepts that issuer's JWTs ({@code identity:}), mapped to the same
 * rights on {@code fast} as the delegated token's.
 */
final class WarrantNode {

    static final String HTTP_UPSTREAM = "fast";
    static final String STDIO_UPSTREAM = "faststdio";
    /** The same echo server speaking 2026-07-28 (a process of its own): the gateway discovers its era. */
    static final String MODERN_UPSTREAM = "fast2026";
    /** The RFC 8707 resource the JWTs' {@code aud} names (an identifier: nothing is fetched from it). */
    static final String RESOURCE = "https://warrant.loadbench/mcp";
    /**
     * The operator's identity mapping: the subject is the agent, the {@code tools} scope the right to call the HTTP
     * echo tool, exactly what the delegated token allows on that upstream.
     */
    static final String MAPPING = String.join("\n",
            "agent($s) <- claim(\"sub\", $s);",
            "right(\"tool\", \"" + HTTP_UPSTREAM + "\", \"" + EchoMcp.TOOL + "\") <- claim(\"scope\", \""
                    + JwtIssuer.SCOPE + "\");",
            "");

    /** bench/policies/realistic.datalog (packaged into this jar by the pom): the benchmarks' operator policy set. */
    static String policies() throws java.io.IOException {
        try (java.io.InputStream in = WarrantNode.class.getResourceAsStream("/realistic.datalog")) {
            if (in == null) {
                throw new IllegalStateException("realistic.datalog is not on the class path (see loadtest/pom.xml)");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private WarrantNode() {}

    /**
     * Writes the config under {@code dir} (keys already in dir/keys) and starts the gateway (not yet listening).
     * One event loop on the agent port, like {@link PassThroughProxy}: the floor and the gateway get the same
     * share of this machine's cores, and the load generator and upstream keep theirs (docs/ARCHITECTURE.md
     * §11.13).
     */
    static ChildProcess start(Path dir, int port, int upstreamHttpPort, int modernUpstreamPort,
                              Optional<JwtIssuer> identity) throws Exception {
        Files.createDirectories(dir.resolve("policies"));
        Files.writeString(dir.resolve("policies/operator.datalog"), policies());
        List<String> identityConfig = new ArrayList<>();
        if (identity.isPresent()) {
            Files.writeString(dir.resolve("identity.datalog"), MAPPING);
            identityConfig.addAll(List.of(
                    "identity:",
                    "  resource: \"" + RESOURCE + "\"",
                    "  issuers:",
                    "    - { issuer: \"" + identity.get().issuer() + "\", jwksUri: \"" + identity.get().jwksUri()
                            + "\", algorithms: [RS256] }",
                    "  mapping: identity.datalog"));
        }
        Path config = dir.resolve("warrant.yaml");
        Files.writeString(config, String.join("\n",
                "listen: { host: 127.0.0.1, port: " + port + ", eventLoops: 1 }",
                "stateDir: state",
                "keys:",
                "  - { publicKeyFile: keys/root.pub }",
                "cluster: { name: loadbench-" + UUID.randomUUID() + ", port: " + ChildProcess.freePort() + " }",
                "upstreams:",
                "  - name: " + HTTP_UPSTREAM,
                "    http: { url: \"http://127.0.0.1:" + upstreamHttpPort + "/mcp\" }",
                "  - name: " + MODERN_UPSTREAM,
                "    http: { url: \"http://127.0.0.1:" + modernUpstreamPort + "/mcp\" }",
                "  - name: " + STDIO_UPSTREAM,
                "    stdio:",
                "      command: \"" + ChildProcess.javaBinary() + "\"",
                "      args: [\"-cp\", \"${env:LOADBENCH_CLASSPATH}\", \"" + StdioMcpServer.class.getName() + "\"]",
                "policies: { dir: policies }",
                "limits: { perCaller: false }",
                // -Dloadbench.receipts=false: the same gateway without signed receipts, for an A/B of their cost.
                "audit: { receipts: " + Boolean.parseBoolean(System.getProperty("loadbench.receipts", "true")) + " }",
                String.join("\n", identityConfig),
                ""));
        return ChildProcess.start("warrant",
                ChildProcess.java("dev.warrant.gateway.cli.WarrantCli", "serve", "--config", config.toString()), dir,
                Map.of("LOADBENCH_CLASSPATH", ChildProcess.classPath()));
    }
}
