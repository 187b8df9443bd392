package dev.warrant.gateway.forward;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.TestTokens;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Upstream calls parked for a 2026 agent's input, and the bridge that collects what they ask, alone. */
class ParkedCallsTest {

    private static final TestTokens TOKENS = new TestTokens();
    private static final VerifiedToken ALICE = TOKENS.verified("alice");
    private static final VerifiedToken BOB = TOKENS.verified("bob");
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    private static ParkedCalls.Parked parked(VerifiedToken token, InputBridge bridge, Instant expires) {
        return new ParkedCalls.Parked(Promise.<JsonObject>promise().future(), bridge, token, expires);
    }

    @Test
    void aParkedCallIsTakenOnceAndNotAfterItsExpiry() {
        ParkedCalls calls = new ParkedCalls(4, clock);
        String id = calls.park(parked(ALICE, new InputBridge(), NOW.plusSeconds(60)));
        assertThat(calls.take(id)).isNotNull();
        assertThat(calls.take(id)).as("taken once").isNull();
        InputBridge late = new InputBridge();
        CompletableFuture<JsonObject> waiting = late.ask("roots/list", Map.of());
        String old = calls.park(parked(ALICE, late, NOW));
        assertThat(calls.take(old)).as("expired").isNull();
        assertThat(waiting).as("an expired call's upstream request is answered").isCompletedWithValue(null);
        assertThat(calls.take("not-an-id")).isNull();
        assertThat(calls.take(null)).isNull();
    }

    @Test
    void aGrantOverItsQuotaIsRefusedAndItsCallAbandonedWhileAnotherGrantParks() {
        ParkedCalls calls = new ParkedCalls(1, clock);
        calls.park(parked(ALICE, new InputBridge(), NOW.plusSeconds(60)));
        InputBridge refused = new InputBridge();
        CompletableFuture<JsonObject> asked = refused.ask("elicitation/create", Map.of("message", "?"));
        assertThatThrownBy(() -> calls.park(parked(ALICE, refused, NOW.plusSeconds(60))))
                .isInstanceOfSatisfying(WarrantException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SESSION_LIMIT));
        assertThat(asked).as("the refused call's upstream request is answered, not left waiting").isCompletedWithValue(null);
        calls.park(parked(BOB, new InputBridge(), NOW.plusSeconds(60)));
        assertThat(calls.size()).isEqualTo(2);
    }

    @Test
    void revocationAbandonsOnlyTheRevokedTokensCalls() {
        ParkedCalls calls = new ParkedCalls(4, clock);
        InputBridge alices = new InputBridge();
        CompletableFuture<JsonObject> open = alices.ask("sampling/createMessage", Map.of());
        calls.park(parked(ALICE, alices, NOW.plusSeconds(60)));
        String bobs = calls.park(parked(BOB, new InputBridge(), NOW.plusSeconds(60)));
        assertThat(calls.abandon(t -> t == ALICE)).isEqualTo(1);
        assertThat(open).isCompletedWithValue(null);
        assertThat(calls.take(bobs)).isNotNull();
    }

    @Test
    void theBridgeShowsEachRequestOnceAndReasksWhatWasNotAnswered() {
        InputBridge bridge = new InputBridge();
        boolean[] needed = {false};
        bridge.onNeed(() -> needed[0] = true);
        CompletableFuture<JsonObject> first = bridge.ask("elicitation/create", Map.of("message", "name?"));
        CompletableFuture<JsonObject> second = bridge.ask("roots/list", Map.of());
        assertThat(needed[0]).isTrue();
        JsonObject shown = bridge.takeRequests();
        assertThat(shown.fieldNames()).containsExactly("input-1", "input-2");
        assertThat(shown.getJsonObject("input-1").getString("method")).isEqualTo("elicitation/create");
        assertThat(bridge.takeRequests().isEmpty()).as("shown once").isTrue();

        bridge.answer(new JsonObject().put("input-1", new JsonObject().put("action", "accept")));
        assertThat(first).isCompletedWithValue(new JsonObject().put("result", new JsonObject().put("action", "accept")));
        assertThat(second).isNotDone();
        boolean[] again = {false};
        bridge.onNeed(() -> again[0] = true);
        assertThat(again[0]).as("the unanswered one is asked again at once").isTrue();
        assertThat(bridge.takeRequests().fieldNames()).containsExactly("input-2");
    }
}
