package dev.warrant.gateway.limit;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.Exchanges;
import dev.warrant.gateway.pipeline.FakeChain;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.Outcomes;
import dev.warrant.gateway.pipeline.TestTokens;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import dev.warrant.policies.limits.LimitSettings;
import dev.warrant.policies.limits.RateLimit;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LimitStage alone, with a ticker the test moves and a real (empty) upstream registry: over the caller's
 * limit a message is refused with rate_limited before anything further in runs; ping is always free.
 */
class LimitStageTest {

    private static final TestTokens TOKENS = new TestTokens();
    private static final VerifiedToken PLANNER = TOKENS.verified("planner");
    private static final VerifiedToken RESEARCHER = TOKENS.verified("researcher");

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final UpstreamRegistry upstreams = new UpstreamRegistry();

    @AfterEach
    void closeRegistry() {
        upstreams.close();
    }

    /** Two messages at once per caller, one more per second. */
    private LimitStage twoPerCaller() {
        return new LimitStage(new LimitSettings(Optional.of(new RateLimit(1, 2)), Optional.empty(), Optional.empty()),
                upstreams, nanos::get);
    }

    private static McpExchange as(VerifiedToken token, Exchanges builder) {
        McpExchange exchange = builder.build();
        exchange.token(token);
        return exchange;
    }

    private static Future<JsonObject> send(LimitStage stage, FakeChain chain, VerifiedToken token, Exchanges builder) {
        return chain.run(stage, as(token, builder));
    }

    @Test
    void underTheLimitEachMessageProceedsOnce() {
        LimitStage stage = twoPerCaller();
        for (int i = 0; i < 2; i++) {
            FakeChain chain = FakeChain.succeeding(new JsonObject().put("n", i));
            Future<JsonObject> answer = send(stage, chain, PLANNER, Exchanges.request("tools/list"));
            assertThat(answer.result().getInteger("n")).isEqualTo(i);
            assertThat(chain.calls()).isEqualTo(1);
        }
    }

    @Test
    void overTheLimitIsRateLimitedWithoutProceeding() {
        LimitStage stage = twoPerCaller();
        FakeChain chain = FakeChain.succeeding();
        send(stage, chain, PLANNER, Exchanges.request("tools/list"));
        send(stage, chain, PLANNER, Exchanges.request("tools/call"));

        FakeChain third = FakeChain.succeeding();
        Future<JsonObject> answer = send(stage, third, PLANNER, Exchanges.request("tools/list"));

        assertThat(Outcomes.refusal(answer)).isEqualTo(Reason.RATE_LIMITED);
        assertThat(third.calls()).isZero();
    }

    @Test
    void theBucketRefillsWithTime() {
        LimitStage stage = twoPerCaller();
        FakeChain chain = FakeChain.succeeding();
        for (int i = 0; i < 3; i++) {
            send(stage, chain, PLANNER, Exchanges.request("tools/list"));
        }
        assertThat(chain.calls()).isEqualTo(2);

        nanos.addAndGet(Duration.ofSeconds(1).toNanos());

        FakeChain later = FakeChain.succeeding();
        assertThat(send(stage, later, PLANNER, Exchanges.request("tools/list")).succeeded()).isTrue();
        assertThat(later.calls()).isEqualTo(1);
    }

    @Test
    void pingIsFreeEvenOverTheLimit() {
        LimitStage stage = twoPerCaller();
        FakeChain chain = FakeChain.succeeding();
        for (int i = 0; i < 10; i++) {
            assertThat(send(stage, chain, PLANNER, Exchanges.request("ping")).succeeded()).isTrue();
        }
        assertThat(chain.calls()).isEqualTo(10);
        // ...and took nothing from the bucket.
        send(stage, chain, PLANNER, Exchanges.request("tools/list"));
        send(stage, chain, PLANNER, Exchanges.request("tools/list"));
        assertThat(chain.calls()).isEqualTo(12);
    }

    @Test
    void oneCallersFloodLeavesAnotherCallersBucketFull() {
        LimitStage stage = twoPerCaller();
        FakeChain flood = FakeChain.succeeding();
        for (int i = 0; i < 50; i++) {
            send(stage, flood, PLANNER, Exchanges.request("tools/list"));
        }
        assertThat(flood.calls()).isEqualTo(2);

        FakeChain calm = FakeChain.succeeding();
        send(stage, calm, RESEARCHER, Exchanges.request("tools/list"));
        send(stage, calm, RESEARCHER, Exchanges.request("tools/list"));
        assertThat(calm.calls()).isEqualTo(2);
    }

    @Test
    void theHandshakeAndTheStreamCountAgainstTheCaller() {
        // Every message passes the same stages: the handshake's notification and the GET count like calls.
        LimitStage stage = twoPerCaller();
        FakeChain chain = FakeChain.succeeding();
        send(stage, chain, PLANNER, Exchanges.notification("notifications/initialized", new JsonObject()));
        send(stage, chain, PLANNER, Exchanges.get());
        assertThat(chain.calls()).isEqualTo(2);

        assertThat(Outcomes.refusal(send(stage, chain, PLANNER, Exchanges.get()))).isEqualTo(Reason.RATE_LIMITED);
        assertThat(Outcomes.refusal(send(stage, chain, PLANNER,
                Exchanges.notification("notifications/progress", new JsonObject())))).isEqualTo(Reason.RATE_LIMITED);
        assertThat(chain.calls()).isEqualTo(2);
    }

    @Test
    void aCallerOverItsLimitCanStillStopWhatItStarted() {
        LimitStage stage = twoPerCaller();
        FakeChain chain = FakeChain.succeeding();
        send(stage, chain, PLANNER, Exchanges.request("tools/list"));
        send(stage, chain, PLANNER, Exchanges.request("tools/list"));
        assertThat(Outcomes.refusal(send(stage, chain, PLANNER, Exchanges.request("tools/list")))).isEqualTo(Reason.RATE_LIMITED);

        // Cancelling its own call, answering a relayed request and ending its session only end work.
        for (int i = 0; i < 5; i++) {
            assertThat(send(stage, chain, PLANNER, Exchanges.notification("notifications/cancelled",
                    new JsonObject().put("requestId", i))).succeeded()).isTrue();
            assertThat(send(stage, chain, PLANNER, Exchanges.response("warrant-" + i,
                    new JsonObject().put("result", new JsonObject()))).succeeded()).isTrue();
            assertThat(send(stage, chain, PLANNER, Exchanges.delete()).succeeded()).isTrue();
        }
        assertThat(chain.calls()).isEqualTo(17);
    }

    @Test
    void aMessageWithoutATokenPassesUncounted() {
        // Unreachable in a real pipeline (authentication refuses first); the stage must not fail on it.
        LimitStage stage = twoPerCaller();
        FakeChain chain = FakeChain.succeeding();
        for (int i = 0; i < 5; i++) {
            chain.run(stage, Exchanges.request("tools/list").build());
        }
        assertThat(chain.calls()).isEqualTo(5);
    }

    @Test
    void withoutLimitsNothingIsRefused() {
        LimitStage stage = new LimitStage(new LimitSettings(Optional.empty(), Optional.empty(), Optional.empty()),
                upstreams, nanos::get);
        FakeChain chain = FakeChain.succeeding();
        for (int i = 0; i < 100; i++) {
            send(stage, chain, PLANNER, Exchanges.request("tools/call", new JsonObject().put("name", "notes__read_note")));
        }
        assertThat(chain.calls()).isEqualTo(100);
    }

    @Test
    void aToolThatDoesNotExistMakesNoPerToolBucket() {
        // Unknown names must not create buckets: the authorize stage answers them unknown_tool.
        LimitStage stage = new LimitStage(new LimitSettings(Optional.empty(), Optional.of(new RateLimit(1, 1)),
                Optional.empty()), upstreams, nanos::get);
        FakeChain chain = FakeChain.succeeding();
        for (int i = 0; i < 5; i++) {
            send(stage, chain, PLANNER, Exchanges.request("tools/call", new JsonObject().put("name", "nowhere__tool" + i)));
            send(stage, chain, PLANNER, Exchanges.request("tools/call", new JsonObject().put("name", "x"))
                    .virtualServer("nowhere"));
        }
        assertThat(chain.calls()).isEqualTo(10);
    }

    @Test
    void theChainsAnswerReachesTheCallerUnchanged() {
        Future<JsonObject> answer = send(twoPerCaller(), FakeChain.failing(WarrantException.of(Reason.UNKNOWN_TOOL)),
                PLANNER, Exchanges.request("tools/call"));

        assertThat(Outcomes.refusal(answer)).isEqualTo(Reason.UNKNOWN_TOOL);
    }
}
