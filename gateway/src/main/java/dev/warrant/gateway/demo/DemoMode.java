package dev.warrant.gateway.demo;

import dev.warrant.adapters.StdioUpstreamSpec;
import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import dev.warrant.gateway.Gateway;
import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.record.AuditSeal;
import dev.warrant.otel.Telemetry;
import dev.warrant.policies.RiskTier;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code warrant demo}: a complete single-node gateway with no configuration. It creates (or reuses) a root
 * key in the state directory, starts the {@code notes} demo upstream as a real stdio process, mints a
 * planner token, delegates a narrower one to a researcher offline, and prints what to run next.
 */
public final class DemoMode {

    public static final Duration PLANNER_TTL = Duration.ofHours(1);
    public static final Duration RESEARCHER_TTL = Duration.ofMinutes(15);
    public static final Duration MAX_TTL = Duration.ofHours(24);

    /** What demo mode produced: the running gateway and the paths of the tokens it wrote. */
    public record Demo(Gateway gateway, Path stateDir, String plannerToken, String researcherToken, String adminToken,
                       String plannerRevocationId) implements AutoCloseable {
        @Override
        public void close() {
            gateway.close();
        }
    }

    private DemoMode() {
    }

    /** How demo mode starts its node: with telemetry the caller owns (tests) or its own (the CLI). */
    @FunctionalInterface
    public interface Starter {
        Gateway start(GatewayConfig config) throws Exception;
    }

    /** Starts the demo with telemetry the caller owns and closes. */
    public static Demo start(int port, Path stateDir, Telemetry telemetry, Clock clock) throws Exception {
        return start(port, stateDir, config -> Gateway.start(config, telemetry, clock), clock);
    }

    /** Starts the demo with telemetry configured from OTEL_* for its cluster member, closed with the node. */
    public static Demo startWithOwnTelemetry(int port, Path stateDir, Clock clock) throws Exception {
        return start(port, stateDir, config -> Gateway.start(config, Telemetry::autoConfigured, clock), clock);
    }

    private static Demo start(int port, Path stateDir, Starter starter, Clock clock) throws Exception {
        Files.createDirectories(stateDir);
        SigningKey key = KeyFiles.loadOrCreate(stateDir);
        Minter minter = new Minter(key, clock, MAX_TTL);

        String planner = minter.mint(MintSpec.builder("planner")
                .right("tool", "notes", "read_note")
                .right("tool", "notes", "write_note")
                .ttl(PLANNER_TTL)
                .build());
        // The planner hands a sub-task to the researcher: offline, no call to the gateway, only narrowing.
        String researcher = Delegator.attenuate(planner, HopSpec.delegateTo("researcher")
                .tools("notes", "read_note")
                .argPathPrefix("path", "/notes/public/")
                .ttl(RESEARCHER_TTL)
                .build(), clock);
        String admin = minter.mint(MintSpec.builder("admin")
                .right("admin", AdminApi.AREA, "*")
                .ttl(PLANNER_TTL)
                .build());
        writeSecret(stateDir.resolve("planner.token"), planner);
        writeSecret(stateDir.resolve("researcher.token"), researcher);
        writeSecret(stateDir.resolve("admin.token"), admin);

        GatewayConfig config = GatewayConfig.builder()
                .host("127.0.0.1")
                .port(port)
                .stateDir(stateDir)
                .rootKeys(List.of(key.publicKey()))
                .maxTokenTtl(MAX_TTL)
                // A private cluster name: a demo never joins somebody else's gateway on this machine.
                .clusterName("warrant-demo-" + UUID.randomUUID())
                .upstreams(List.of(new GatewayConfig.Upstream(notesUpstream(stateDir),
                        Map.of("write_note", RiskTier.HIGH))))
                .build();
        // The planner's authority block id: revoking it stops every token derived from the planner's.
        String plannerRevocationId = new Verifier(KeyRing.of(key.publicKey()), VerifierSettings.defaults(), clock)
                .verify(planner).revocationIds().get(0);
        Gateway gateway = starter.start(config);
        return new Demo(gateway, stateDir, planner, researcher, admin, plannerRevocationId);
    }

    /** The notes server runs from this same jar/classpath, as a separate JVM speaking MCP over stdio. */
    static StdioUpstreamSpec notesUpstream(Path stateDir) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> args = new ArrayList<>(List.of(
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m",
                "-cp", System.getProperty("java.class.path"),
                NotesServer.class.getName(), "--state-dir", stateDir.toAbsolutePath().toString()));
        return new StdioUpstreamSpec("notes", java, args, Map.of(), Duration.ofSeconds(30));
    }

    public static void printWelcome(Demo demo, PrintStream out) {
        Path dir = demo.stateDir().toAbsolutePath();
        String url = demo.gateway().mcpUrl().toString();
        out.println();
        out.println("Warrant demo gateway is running at " + url);
        out.println("  upstream 'notes' (stdio): tools notes__read_note, notes__write_note, notes__list_notes");
        out.println("  root key:          " + dir.resolve("root.pub") + " (private key in root.key)");
        out.println("  planner token:     " + dir.resolve("planner.token") + "  (read_note + write_note, 1 h)");
        out.println("  researcher token:  " + dir.resolve("researcher.token")
                + "  (delegated by planner: read_note under /notes/public/ only, 15 min)");
        out.println("  admin token:       " + dir.resolve("admin.token") + "  (admin API: revocations)");
        out.println("  operator console:  " + demo.gateway().baseUrl() + "/console/  (sign in with the admin token)");
        out.println();
        out.println("Tokens (give one to any MCP client as 'Authorization: Bearer <token>'):");
        out.println("  planner:    " + demo.plannerToken());
        out.println("  researcher: " + demo.researcherToken());
        out.println("  admin:      " + demo.adminToken());
        out.println();
        out.println("In another terminal, list the tools and read a public note as the researcher:");
        out.println("  ./warrant call --url " + url + " --token-file " + dir.resolve("researcher.token")
                + " --tool notes__read_note --args '{\"path\":\"/notes/public/hello.md\"}'");
        out.println("The same researcher is refused the private plan (reason constraint_failed), and keeps the"
                + " refusal's");
        out.println("signed receipt, which anyone checks offline with the gateway's audit key and finds in its audit"
                + " log:");
        Path receipt = dir.resolve("refusal.receipt.json");
        out.println("  ./warrant call --url " + url + " --token-file " + dir.resolve("researcher.token")
                + " --tool notes__read_note --args '{\"path\":\"/notes/private/plan.md\"}' --receipt-file " + receipt);
        out.println("  ./warrant receipt verify --receipt-file " + receipt + " --key-file "
                + dir.resolve(AuditSeal.PUB_FILE));
        out.println("  ./warrant audit verify --receipt " + receipt + " "
                + dir.resolve(GatewayConfig.DEFAULT_AUDIT_FILE));
        out.println("Revoke the planner's token, and with it the researcher's, which was derived from it:");
        out.println("  ./warrant revoke --url " + demo.gateway().baseUrl() + " --token-file " + dir.resolve("admin.token")
                + " --id " + demo.plannerRevocationId());
        out.println();
        out.println("Press Ctrl-C to stop.");
    }

    private static void writeSecret(Path file, String token) throws IOException {
        Files.writeString(file, token + "\n");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Best effort on non-POSIX file systems.
        }
    }
}
