package dev.warrant.gateway.modern;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.cluster.SealingKeys;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sealed multi round-trip state alone: what opens, and everything that must not. */
class RequestStatesTest {

    private static final SealingKeys KEY = SealingKeys.fixed();
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final RequestStates.Binding BOUND = new RequestStates.Binding("grant-1", "planner", "tools/call",
            "ask_name", "fixture", RequestStates.digest(new JsonObject().put("a", 1).put("b", "x")));

    private final RequestStates states = new RequestStates(KEY);

    private String seal(RequestStates.Binding binding) {
        return states.seal(new RequestStates.State(binding, "corr-1", 1, "upstream-state", null, NOW.plus(RequestStates.TTL)));
    }

    private static void assertInvalid(Runnable open) {
        assertThatThrownBy(open::run).isInstanceOfSatisfying(WarrantException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.REQUEST_STATE_INVALID));
    }

    @Test
    void aSealedStateOpensForTheSameBindingAndGivesBackTheUpstreamsState() {
        RequestStates.State opened = states.open(seal(BOUND), BOUND, NOW.plusSeconds(1));
        assertThat(opened.upstreamState()).isEqualTo("upstream-state");
        assertThat(opened.correlationId()).isEqualTo("corr-1");
        assertThat(opened.round()).isEqualTo(1);
        // The agent cannot read it: neither the upstream's state nor the binding is in the clear.
        String token = seal(BOUND);
        String raw = new String(Base64.getUrlDecoder().decode(token.substring(3)), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(raw).doesNotContain("upstream-state").doesNotContain("planner").doesNotContain("fixture");
    }

    @Test
    void argumentsDigestIgnoresKeyOrderButNotValues() {
        assertThat(RequestStates.digest(new JsonObject().put("b", "x").put("a", 1)))
                .isEqualTo(RequestStates.digest(new JsonObject().put("a", 1).put("b", "x")));
        assertThat(RequestStates.digest(new JsonObject().put("a", 2).put("b", "x")))
                .isNotEqualTo(RequestStates.digest(new JsonObject().put("a", 1).put("b", "x")));
        assertThat(RequestStates.digest(null)).isEqualTo(RequestStates.digest(null));
    }

    @Test
    void anotherCallerMethodTargetUpstreamOrArgumentsCannotUseIt() {
        String token = seal(BOUND);
        for (RequestStates.Binding other : List.of(
                new RequestStates.Binding("grant-2", "planner", "tools/call", "ask_name", "fixture", BOUND.argumentsDigest()),
                new RequestStates.Binding("grant-1", "intruder", "tools/call", "ask_name", "fixture", BOUND.argumentsDigest()),
                new RequestStates.Binding("grant-1", "planner", "prompts/get", "ask_name", "fixture", BOUND.argumentsDigest()),
                new RequestStates.Binding("grant-1", "planner", "tools/call", "delete_all", "fixture", BOUND.argumentsDigest()),
                new RequestStates.Binding("grant-1", "planner", "tools/call", "ask_name", "other", BOUND.argumentsDigest()),
                new RequestStates.Binding("grant-1", "planner", "tools/call", "ask_name", "fixture",
                        RequestStates.digest(new JsonObject().put("a", 2))))) {
            assertInvalid(() -> states.open(token, other, NOW));
        }
    }

    @Test
    void anExpiredChangedForeignOrMalformedStateIsRefusedAlike() {
        String token = seal(BOUND);
        assertInvalid(() -> states.open(token, BOUND, NOW.plus(RequestStates.TTL)));
        assertInvalid(() -> states.open(token, BOUND, NOW.plus(RequestStates.TTL).plus(Duration.ofSeconds(1))));
        byte[] raw = Base64.getUrlDecoder().decode(token.substring(3));
        raw[raw.length - 1] ^= 1;
        assertInvalid(() -> states.open("w2." + Base64.getUrlEncoder().withoutPadding().encodeToString(raw), BOUND, NOW));
        SealingKeys otherKey = SealingKeys.fixed();
        assertInvalid(() -> states.open(new RequestStates(otherKey).seal(new RequestStates.State(BOUND, "c", 1, null,
                null, NOW.plus(RequestStates.TTL))), BOUND, NOW));
        for (Object junk : new Object[] {null, 42, "", "w2.", "w2.!!!", "v1.abc", "w2." + "A".repeat(20), "x".repeat(70_000)}) {
            assertInvalid(() -> states.open(junk, BOUND, NOW));
        }
    }
}
