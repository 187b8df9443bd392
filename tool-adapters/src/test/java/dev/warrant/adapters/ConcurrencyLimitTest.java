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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** maxConcurrent against a real fixture process with a slow tool. */
@Timeout(30)
class ConcurrencyLimitTest {

    @Test
    void theCallBeyondTheLimitIsRefusedAtOnceAndThePermitsComeBack() throws Exception {
        StdioUpstreamSpec fixture = TestProcesses.fixture("limited", Duration.ofSeconds(10), Map.of());
        StdioUpstreamSpec spec = new StdioUpstreamSpec("limited", fixture.command(), fixture.args(), fixture.env(),
                fixture.requestTimeout(), 3);
        try (Upstream upstream = Upstreams.connect(spec).get(20, TimeUnit.SECONDS)) {
            List<UpstreamCall> slow = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                slow.add(upstream.call("tools/call", toolParams("slow", Map.of("ms", 1500), null), null));
            }
            UpstreamCall fourth = upstream.call("tools/call", toolParams("echo", Map.of("text", "x"), null), null);
            // At once: already failed when call() returns, never queued behind the slow ones.
            assertThat(fourth.result()).isCompletedExceptionally();
            assertThatThrownBy(() -> fourth.result().get(1, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(UpstreamException.class, e -> {
                        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.BUSY);
                        assertThat(e.getMessage()).isEqualTo("upstream limited is at its concurrency limit "
                                + "(3 requests in flight); tools/call refused");
                    });
            assertThat(((LimitedUpstream) upstream).inFlight()).isEqualTo(3);

            for (UpstreamCall call : slow) {
                assertThat(text(call.result().get(10, TimeUnit.SECONDS))).isEqualTo("slept 1500");
            }
            // Completed calls gave their permits back (the release runs just after each result).
            awaitNoneInFlight(upstream);
            assertThat(text(callTool(upstream, "echo", Map.of("text", "room again"), null))).isEqualTo("room again");
        }
    }

    @Test
    void failedAndTimedOutCallsReleaseTheirPermits() throws Exception {
        StdioUpstreamSpec fixture = TestProcesses.fixture("tiny", Duration.ofMillis(800), Map.of());
        StdioUpstreamSpec spec = new StdioUpstreamSpec("tiny", fixture.command(), fixture.args(), fixture.env(),
                fixture.requestTimeout(), 1);
        try (Upstream upstream = Upstreams.connect(spec).get(20, TimeUnit.SECONDS)) {
            for (int i = 0; i < 2; i++) {
                UpstreamCall slow = upstream.call("tools/call", toolParams("slow", Map.of("ms", 3000), null), null);
                assertThatThrownBy(() -> slow.result().get(5, TimeUnit.SECONDS)).cause()
                        .isInstanceOfSatisfying(UpstreamException.class,
                                e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.TIMEOUT));
                awaitNoneInFlight(upstream); // the permit comes back just after the result, for the next call
            }
            UpstreamCall unknown = upstream.call("no/such/method", null, null);
            assertThatThrownBy(() -> unknown.result().get(5, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(UpstreamException.class,
                            e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.ERROR_RESPONSE));
            awaitNoneInFlight(upstream);
        }
    }

    private static void awaitNoneInFlight(Upstream upstream) {
        await("permits back").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> ((LimitedUpstream) upstream).inFlight() == 0);
    }
}
