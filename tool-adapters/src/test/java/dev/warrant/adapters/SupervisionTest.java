package dev.warrant.adapters;

import static dev.warrant.adapters.StdioUpstreamTest.callTool;
import static dev.warrant.adapters.StdioUpstreamTest.text;
import static dev.warrant.adapters.StdioUpstreamTest.toolParams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
            UpstreamCall inFlight = victim.call("tools/call", toolParams("slow", Map.of("ms", 20_000), null), null);
            Thread.sleep(300); // let the request reach the server
            ProcessHandle child = processWith(marker);
            long firstPid = child.pid();

            child.destroyForcibly(); // SIGKILL: no chance to clean up
            long killedAt = System.nanoTime();

            assertThatThrownBy(() -> inFlight.result().get(5, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(UpstreamException.class, e -> {
                        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("upstream victim", "exited with code 137");
                    });
            // While it is down, a call fails at once instead of hanging.
            long start = System.nanoTime();
            assertThatThrownBy(() -> victim.call("tools/list", null, null).result().get(1, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(UpstreamException.class, e -> {
                        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("upstream victim is");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(200));
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
        Thread.sleep(100);
        upstream.closeAsync().get(10, TimeUnit.SECONDS); // while a restart is pending
        Thread.sleep(2500); // longer than any pending backoff
        assertThat(upstream.isOpen()).isFalse();
        assertThat(ProcessHandle.allProcesses().filter(p -> p.isAlive() && commandLine(p).contains(marker))).isEmpty();
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

    private static void awaitOpen(Upstream upstream, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!upstream.isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(upstream.isOpen()).as("upstream back within " + timeout).isTrue();
    }

    private static void awaitClosedThenOpen(Upstream upstream) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (upstream.isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(upstream.isOpen()).as("down after crash").isFalse();
        awaitOpen(upstream, Duration.ofSeconds(20));
    }

    private static void awaitContains(List<String> events, String event) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!events.contains(event) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(events).contains(event);
    }
}
