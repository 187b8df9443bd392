package dev.warrant.gateway.modern;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.ReplyChannel;
import dev.warrant.gateway.pipeline.TestTokens;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The table of subscriptions/listen streams alone: quotas per grant under a member cap, and who is told what. */
class SubscriptionsTest {

    private static final TestTokens TOKENS = new TestTokens();
    private static final VerifiedToken GREEDY = TOKENS.verified("greedy");
    private static final VerifiedToken OTHER = TOKENS.verified("other");

    private static Subscriptions.Listener listener(Object id, VerifiedToken token, Set<Subscriptions.Kind> kinds,
                                                   ReplyChannel channel) {
        return new Subscriptions.Listener(id, token, Optional.empty(), null, kinds, channel);
    }

    private static Subscriptions.Listener tools(Object id, VerifiedToken token) {
        return listener(id, token, Set.of(Subscriptions.Kind.TOOLS), ReplyChannel.NONE);
    }

    @Test
    void aGrantOverItsQuotaIsRefusedWhileAnotherGrantStillGetsIn() {
        Subscriptions table = new Subscriptions(10, 2);
        Subscriptions.Listener first = tools(1, GREEDY);
        table.open(first);
        table.open(tools(2, GREEDY));
        assertThatThrownBy(() -> table.open(tools(3, GREEDY)))
                .isInstanceOfSatisfying(WarrantException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SESSION_LIMIT));
        table.open(tools(4, OTHER));
        table.close(first);
        table.open(tools(5, GREEDY));
        assertThat(table.size()).isEqualTo(3);
    }

    @Test
    void aFullMemberRefusesEveryone() {
        Subscriptions table = new Subscriptions(2, 2);
        table.open(tools(1, GREEDY));
        table.open(tools(2, OTHER));
        assertThatThrownBy(() -> table.open(tools(3, TOKENS.verified("third")))).isInstanceOf(WarrantException.class);
    }

    @Test
    void onlyStreamsThatAskedForAKindAndSeeTheChangeAreTold() {
        Subscriptions table = new Subscriptions(10, 10);
        List<JsonObject> toGreedy = new ArrayList<>();
        List<JsonObject> toOther = new ArrayList<>();
        table.open(listener("g", GREEDY, Set.of(Subscriptions.Kind.TOOLS), toGreedy::add));
        table.open(listener("o", OTHER, Set.of(Subscriptions.Kind.PROMPTS), toOther::add));

        assertThat(table.push(Subscriptions.Kind.TOOLS, l -> true)).isEqualTo(1);
        assertThat(table.push(Subscriptions.Kind.PROMPTS, l -> l.token() == GREEDY)).isZero();

        assertThat(toOther).isEmpty();
        assertThat(toGreedy).singleElement().satisfies(n -> {
            assertThat(n.getString("method")).isEqualTo("notifications/tools/list_changed");
            assertThat(n.getJsonObject("params").getJsonObject("_meta").getValue(MetaKeys.SUBSCRIPTION_ID)).isEqualTo("g");
        });
    }
}
