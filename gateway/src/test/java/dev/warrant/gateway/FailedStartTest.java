package dev.warrant.gateway;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.warrant.delegation.KeyFiles;
import dev.warrant.gateway.config.ConfigException;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.otel.Telemetry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A node whose start fails leaves nothing behind: no thread, no listening port, no open file under its state
 * directory, no cluster member (counting what appeared since the test began: other tests share the JVM). Each test
 * breaks one step of {@link Gateway#start} with a real cause (a broken policy, a taken port, a state directory that
 * cannot hold a journal, ...), in the order the steps acquire their resources, and shows the start got that far; a
 * node that starts and closes is held to the same.
 */
class FailedStartTest {

    /** Threads end, and ports close, a little after the close that ends them. */
    static final Duration SETTLE = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    Path stateDir;
    int agentPort;
    int clusterPort;
    Set<Thread> threadsBefore;
    Set<HazelcastInstance> membersBefore;

    /** A first node makes the JVM's one-time threads (class loading, shared pools), so they are not counted. */
    @BeforeAll
    static void warmUp(@TempDir Path dir) throws Exception {
        try (Gateway gateway = Gateway.start(config(dir, ProcessPorts.freePort(), ProcessPorts.freePort()).build(),
                FailedStartTest::telemetry, Clock.systemUTC())) {
            assertThat(gateway.port()).isPositive();
        }
    }

    @BeforeEach
    void baseline() throws IOException {
        stateDir = tmp.resolve("state");
        agentPort = ProcessPorts.freePort();
        clusterPort = ProcessPorts.freePort();
        threadsBefore = Thread.getAllStackTraces().keySet();
        membersBefore = Hazelcast.getAllHazelcastInstances();
    }

    @Test
    void aNodeThatStartsAndClosesLeavesNothingBehind() throws Exception {
        try (Gateway gateway = Gateway.start(config().build(), FailedStartTest::telemetry, Clock.systemUTC())) {
            assertThat(gateway.port()).isEqualTo(agentPort);
            assertThat(newMembers()).hasSize(1);
        }
        assertNothingLeft();
    }

    @Test
    void aClusterAddressThisMachineDoesNotHave() throws IOException {
        // 192.0.2.0/24 is reserved for documentation: no interface here has it, so the member cannot bind.
        assertStartFails(config().host("192.0.2.1"), FailedStartTest::telemetry, RuntimeException.class);
        assertNothingLeft();
        assertThat(stateDir.resolve("cluster")).as("no journal: the start ended at the member").doesNotExist();
    }

    @Test
    void telemetryThatCannotBeMade() throws IOException {
        assertStartFails(config(), member -> {
            throw new IllegalStateException("no telemetry for " + member);
        }, IllegalStateException.class);
        assertNothingLeft();
    }

    @Test
    void aStateDirectoryWithoutRoomForTheRevocationJournal() throws IOException {
        Files.createDirectories(stateDir);
        Files.writeString(stateDir.resolve("cluster"), "a file where the journals' directory belongs");
        assertStartFails(config(), FailedStartTest::telemetry, UncheckedIOException.class);
        assertNothingLeft();
    }

    @Test
    void aPolicyThatDoesNotParse() throws IOException {
        Path policies = Files.createDirectories(tmp.resolve("policies"));
        Files.writeString(policies.resolve("10-broken.datalog"), "allow if this is not datalog;\n");
        assertStartFails(config().policiesDir(policies), FailedStartTest::telemetry, ConfigException.class);
        assertNothingLeft();
        assertThat(stateDir.resolve("cluster")).as("the revocation journal was opened before").isDirectory();
    }

    @Test
    void anAuditFileThatCannotBeCreated() throws IOException {
        Files.writeString(tmp.resolve("not-a-directory"), "");
        assertStartFails(config().auditFile(tmp.resolve("not-a-directory").resolve("audit.log")),
                FailedStartTest::telemetry, IOException.class);
        assertNothingLeft();
    }

    @Test
    void aTlsCertificateThatIsNotPem() throws IOException {
        Path cert = Files.writeString(tmp.resolve("cert.pem"), "not a certificate\n");
        Path key = Files.writeString(tmp.resolve("key.pem"), "not a key\n");
        assertStartFails(config().tls(new GatewayConfig.Tls(cert, key, java.util.Optional.empty(),
                GatewayConfig.ClientAuth.NONE)), FailedStartTest::telemetry, ConfigException.class);
        assertNothingLeft();
        assertThat(stateDir.resolve("audit.log")).as("the audit log was opened before").exists();
    }

    @Test
    void anAgentPortThatIsTaken() throws IOException {
        try (ServerSocket taken = new ServerSocket(agentPort, 50, InetAddress.getLoopbackAddress())) {
            assertStartFails(config(), FailedStartTest::telemetry, BindException.class);
        }
        assertNothingLeft();
        assertThat(stateDir.resolve("audit.log")).as("the audit log was opened before").exists();
    }

    @Test
    void aStateDirectoryWithoutRoomForTheUpstreamJournal() throws IOException {
        Files.createDirectories(stateDir.resolve("cluster").resolve("upstreams.jsonl"));
        assertStartFails(config(), FailedStartTest::telemetry, UncheckedIOException.class);
        assertNothingLeft();
        assertThat(stateDir.resolve("audit.log")).as("the audit log was opened before").exists();
    }

    private void assertStartFails(GatewayConfig.Builder config, Function<String, Telemetry> telemetry,
                                  Class<? extends Throwable> cause) {
        GatewayConfig built = config.build();
        assertThatThrownBy(() -> Gateway.start(built, telemetry, Clock.systemUTC()))
                .satisfies(e -> assertThat(causes(e)).as("the causes of %s", e.toString())
                        .hasAtLeastOneElementOfType(cause));
    }

    private void assertNothingLeft() {
        await().atMost(SETTLE).pollInSameThread().untilAsserted(() -> {
            assertThat(newMembers()).as("cluster members").isEmpty();
            assertThat(newThreads()).as("threads started by the node").isEmpty();
            assertThat(canBind(agentPort)).as("agent port %d free", agentPort).isTrue();
            assertThat(canBind(clusterPort)).as("cluster port %d free", clusterPort).isTrue();
            assertThat(openFilesUnder(tmp)).as("files held open").isEmpty();
        });
    }

    private GatewayConfig.Builder config() throws IOException {
        return config(stateDir, agentPort, clusterPort);
    }

    private static GatewayConfig.Builder config(Path stateDir, int agentPort, int clusterPort) throws IOException {
        Files.createDirectories(stateDir);
        return GatewayConfig.builder()
                .host("127.0.0.1").port(agentPort).stateDir(stateDir)
                .rootKeys(List.of(KeyFiles.loadOrCreate(stateDir).publicKey()))
                .clusterName("warrant-failed-start-" + UUID.randomUUID())
                .clusterPort(clusterPort);
    }

    /** The telemetry a real node makes for its member (and owns: the node closes it). */
    private static Telemetry telemetry(String member) {
        return Telemetry.autoConfigured(member, Map.of());
    }

    private List<HazelcastInstance> newMembers() {
        return Hazelcast.getAllHazelcastInstances().stream().filter(m -> !membersBefore.contains(m)).toList();
    }

    private List<String> newThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !threadsBefore.contains(t) && t.isAlive())
                // The JDK's shared pool serves CompletableFuture's async steps anywhere in the JVM.
                .filter(t -> !t.getName().startsWith("ForkJoinPool.commonPool-worker-"))
                .map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : ""))
                .toList();
    }

    private static boolean canBind(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Files under {@code dir} this process has open (Linux: its /proc/self/fd links); none elsewhere. */
    private static List<Path> openFilesUnder(Path dir) throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return List.of();
        }
        Path root = dir.toRealPath();
        List<Path> open = new ArrayList<>();
        try (Stream<Path> links = Files.list(fds)) {
            for (Path link : (Iterable<Path>) links::iterator) {
                try {
                    Path target = Files.readSymbolicLink(link);
                    if (target.startsWith(root)) {
                        open.add(target);
                    }
                } catch (IOException closedMeanwhile) {
                    // The descriptor closed between listing and reading: not open.
                }
            }
        }
        return open;
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable c = e; c != null && !chain.contains(c); c = c.getCause()) {
            chain.add(c);
        }
        return chain;
    }
}
