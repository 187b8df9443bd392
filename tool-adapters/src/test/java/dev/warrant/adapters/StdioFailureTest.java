package dev.warrant.adapters;

import static dev.warrant.adapters.StdioUpstreamTest.cancellationsSeenBy;
import static dev.warrant.adapters.StdioUpstreamTest.toolParams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Timeouts, crashes, closing and failed starts: each test owns its fixture process. */
@Timeout(20)
class StdioFailureTest {

    @Test
    void timeoutFailsTheCallAndCancelsItUpstream() throws Exception {
        try (Upstream upstream = connect(Duration.ofMillis(1500))) {
            long start = System.nanoTime();
            UpstreamCall call = upstream.call("tools/call", toolParams("slow", Map.of("ms", 6000), null), null);

            assertThatThrownBy(() -> call.result().get(5, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(UpstreamException.class,
                            e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.TIMEOUT));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1400),
                    Duration.ofMillis(4000));
            // The call fails first and the cancellation is written after it: on a busy host the question below
            // can reach the fixture before the notification does, so ask until it has arrived (bounded).
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(cancellationsSeenBy(upstream)).containsExactly(call.upstreamId()));
            assertThat(upstream.isOpen()).isTrue(); // a timeout ends the call, not the connection
        }
    }

    @Test
    void crashMidCallFailsEveryCallInFlightAsUnavailableAndIsNotTheEnd() throws Exception {
        List<UpstreamException> closedWith = new CopyOnWriteArrayList<>();
        try (Upstream upstream = connect(Duration.ofSeconds(15))) {
            upstream.addListener(new UpstreamListener() {
                @Override
                public void onClosed(UpstreamException cause) {
                    closedWith.add(cause);
                }
            });
            UpstreamCall slow = upstream.call("tools/call", toolParams("slow", Map.of("ms", 10_000), null), null);
            UpstreamCall crash = upstream.call("tools/call", toolParams("crash", Map.of(), null), null);

            for (UpstreamCall call : List.of(slow, crash)) {
                assertThatThrownBy(() -> call.result().get(5, TimeUnit.SECONDS)).cause()
                        .isInstanceOfSatisfying(UpstreamException.class, e -> {
                            assertThat(e.kind()).isEqualTo(UpstreamException.Kind.UNAVAILABLE);
                            assertThat(e.getMessage()).contains("exited with code 3");
                        });
            }
            assertThat(upstream.isOpen()).isFalse();
            // Down, restarting: a call fails at once. A restart is not the end, so no onClosed, not even later.
            CompletableFuture<Map<String, Object>> after = upstream.call("tools/list", null, null).result();
            assertThat(after).isCompletedExceptionally();
            await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(2)).until(closedWith::isEmpty);
        }
    }

    @Test
    void closeEndsTheProcessThroughStdinAndFailsCallsInFlight() throws Exception {
        Upstream upstream = connect(Duration.ofSeconds(15));
        UpstreamCall inFlight = upstream.call("tools/call", toolParams("slow", Map.of("ms", 10_000), null), null);
        long start = System.nanoTime();

        upstream.closeAsync().get(10, TimeUnit.SECONDS);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(StdioChannel.GRACE);
        assertThat(upstream.isOpen()).isFalse();
        assertThat(inFlight.result()).isCompletedExceptionally();
        upstream.close(); // idempotent
    }

    @Test
    void aCommandThatCannotStartFailsTheConnect() {
        StdioUpstreamSpec spec = new StdioUpstreamSpec("missing", "/nonexistent/mcp-server", List.of(), Map.of(),
                Duration.ofSeconds(2));
        assertThatThrownBy(() -> Upstreams.connect(spec).get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.UNAVAILABLE));
    }

    @Test
    void aStubbornProcessThatRefusesTheHandshakeFailsTheConnectAndIsKilled() {
        // Refuses initialize (our first id is always warrant-1), then ignores stdin EOF and SIGTERM:
        // exercises the whole stop ladder.
        String marker = "warrant-stubborn-" + ProcessHandle.current().pid();
        String script = "read line; echo not-json; "
                + "echo '{\"jsonrpc\":\"2.0\",\"id\":\"warrant-1\",\"error\":{\"code\":-32600,\"message\":\"no\"}}'; "
                + "trap '' TERM; while :; do sleep 0.2; done";
        StdioUpstreamSpec spec = new StdioUpstreamSpec("stubborn", "/bin/sh", List.of("-c", script, marker),
                Map.of(), Duration.ofSeconds(5));
        assertThatThrownBy(() -> Upstreams.connect(spec).get(15, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(UpstreamException.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamException.Kind.ERROR_RESPONSE);
                    assertThat(e.code()).isEqualTo(-32600);
                });
        assertThat(ProcessHandle.allProcesses()
                .filter(p -> p.isAlive() && p.info().commandLine().orElse("").contains(marker))).isEmpty();
    }

    private static Upstream connect(Duration timeout) throws Exception {
        return Upstreams.connect(TestProcesses.fixture("fixture", timeout, Map.of())).get(20, TimeUnit.SECONDS);
    }
}
