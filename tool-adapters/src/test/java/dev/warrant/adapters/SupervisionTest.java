package dev.warrant.adapters;

import static dev.warrant.adapters.StdioUpstreamTest.callTool;
import static dev.warrant.adapters.StdioUpstreamTest.text;
import static dev.warrant.adapters.StdioUpstreamTest.toolParams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A supervised stdio upstream whose process is killed: real fixture JVMs, real SIGKILL. */
@Timeout(60)
class SupervisionTest {

    /** Fast restarts keep the test short; the sequence itself is {@link BackoffTest}'s subject. */
    private static final Backoff FAST = new Backoff(Duration.ofMillis(300), Duration.ofSeconds(2), Duration.ofSeconds(60));

    @Test
    void killedMidCallFailsThatCallRefusesWhileDownAndComesBackWhileOthersKeepWorking() throws Exception {
        String marker = "warrant-victim-" + UUID.randomUUID();
        List<String> events = new CopyOnWriteArrayList<>();
        try (Upstream victim = Upstreams.connect(marked("victim", marker), FAST).get(20, TimeUnit.SECONDS);
                Upstream bystander = Upstreams.connect(TestProcesses.fixture("bystander", Duration.ofSeconds(10),
                        Map.of())).get(20, TimeUnit.SECONDS)) {
            victim.addListener(new UpstreamListener() {
                @Override
                public void onNotification(JsonRpcNotification notification) {
                    events.add(notification.method());
                }

                @Override
                public void onClosed(UpstreamException cause) {
                    events.add("closed");
                }
            });
            // Many short steps: the first progress notification shows the call is running inside the server.
            List<JsonRpcNotification> progress = new CopyOnWriteArrayList<>();
            UpstreamCall inFlight = victim.call("tools/call",
                    toolParams("slow", Map.of("ms", 20_000, "steps", 200), "victim-progress"), progress::add);
            await("the call runs in the server").atMost(Duration.ofSeconds(10)).until(() -> !progress.isEmpty());
            ProcessHandle child = processWith(marker);
            long firstPid = child.pid();

            child.destroyForcibly(); // SIGKILL: no chance to clean up
            long killedAt = System.nanoTime();

            assertThatThrownBy(() -> inFlight.result().get(5, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(UpstreamException.class, e -> {
                        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("upstream victim", "exited with code 137");
                    });
            // While it is down, a call fails at once (already failed when call() returns) instead of hanging.
            await("down").atMost(Duration.ofSeconds(5)).until(() -> !victim.isOpen());
            UpstreamCall whileDown = victim.call("tools/list", null, null);
            assertThat(whileDown.result()).isCompletedExceptionally();
            assertThatThrownBy(() -> whileDown.result().get(1, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(UpstreamException.class, e -> {
                        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("upstream victim is");
                    });
            // The other upstream never noticed.
            assertThat(text(callTool(bystander, "echo", Map.of("text", "still here"), null))).isEqualTo("still here");

            awaitOpen(victim, Duration.ofSeconds(20));
            assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(processWith(marker).pid()).isNotEqualTo(firstPid);
            assertThat(text(callTool(victim, "echo", Map.of("text", "back"), null))).isEqualTo("back");
            // The restart is announced as a catalog change, never as the end of the upstream.
            awaitContains(events, "notifications/tools/list_changed");
            assertThat(events).doesNotContain("closed");
        }
        assertThat(events).endsWith("closed"); // closing it for good is the one onClosed
        assertThat(ProcessHandle.allProcesses().filter(p -> p.isAlive() && commandLine(p).contains(marker))).isEmpty();
    }

    @Test
    void crashLoopBacksOffAndCloseStopsTheRestarts() throws Exception {
        String marker = "warrant-crashy-" + UUID.randomUUID();
        Upstream upstream = Upstreams.connect(marked("crashy", marker), FAST).get(20, TimeUnit.SECONDS);
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            pids.add(processWith(marker).pid());
            upstream.call("tools/call", toolParams("crash", Map.of(), null), null);
            awaitClosedThenOpen(upstream);
        }
        assertThat(pids).doesNotHaveDuplicates();
        upstream.call("tools/call", toolParams("crash", Map.of(), null), null);
        await("down after crash").atMost(Duration.ofSeconds(5)).until(() -> !upstream.isOpen());
        upstream.closeAsync().get(10, TimeUnit.SECONDS); // while a restart is pending
        // Nothing comes back for longer than any pending backoff (FAST's cap is 2 s).
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() -> !upstream.isOpen()
                && ProcessHandle.allProcesses().noneMatch(p -> p.isAlive() && commandLine(p).contains(marker)));
        assertThat(upstream.call("tools/list", null, null).result()).isCompletedExceptionally();
    }

    static StdioUpstreamSpec marked(String name, String marker) {
        StdioUpstreamSpec fixture = TestProcesses.fixture(name, Duration.ofSeconds(30), Map.of());
        List<String> args = new ArrayList<>(fixture.args());
        args.add(0, "-Dwarrant.test.marker=" + marker); // a JVM option, so the process can be found
        return new StdioUpstreamSpec(name, fixture.command(), args, fixture.env(), fixture.requestTimeout(), 8);
    }

    static ProcessHandle processWith(String marker) {
        return ProcessHandle.current().descendants().filter(p -> p.isAlive() && commandLine(p).contains(marker))
                .findFirst().orElseThrow(() -> new AssertionError("no live process with " + marker));
    }

    private static String commandLine(ProcessHandle process) {
        return process.info().commandLine().orElse("");
    }

    private static void awaitOpen(Upstream upstream, Duration timeout) {
        await("upstream back").atMost(timeout).pollInterval(Duration.ofMillis(20)).until(upstream::isOpen);
    }

    private static void awaitClosedThenOpen(Upstream upstream) {
        await("down after crash").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> !upstream.isOpen());
        awaitOpen(upstream, Duration.ofSeconds(20));
    }

    private static void awaitContains(List<String> events, String event) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(events).contains(event));
    }
}
