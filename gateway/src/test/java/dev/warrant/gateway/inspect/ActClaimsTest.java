package dev.warrant.gateway.inspect;

import dev.warrant.delegation.Identity;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ActClaimsTest {

    @Test
    void theHolderIsTheOutermostActAndEarlierDelegateesNestInside() {
        JsonObject claims = ActClaims.of(List.of("a", "b", "c"), Optional.empty());
        assertThat(claims).isEqualTo(new JsonObject("{\"sub\": \"a\", \"act\": {\"sub\": \"c\", \"act\": {\"sub\": \"b\"}}}"));
        assertThat(claims.fieldNames()).containsExactly("sub", "act");
    }

    @Test
    void withoutDelegationThereIsNoAct() {
        assertThat(ActClaims.of(List.of("a"), Optional.empty())).isEqualTo(new JsonObject().put("sub", "a"));
    }

    @Test
    void anIdentityIsTheSubjectWithItsIssuerAndTheAgentBeside() {
        JsonObject claims = ActClaims.of(List.of("alice-agent", "summarizer"),
                Optional.of(new Identity("https://idp.example.org/realms/agents", "alice")));
        assertThat(claims).isEqualTo(new JsonObject()
                .put("sub", "alice")
                .put("iss", "https://idp.example.org/realms/agents")
                .put("warrant_agent", "alice-agent")
                .put("act", new JsonObject().put("sub", "summarizer")));
        assertThat(claims.fieldNames()).containsExactly("sub", "iss", "warrant_agent", "act");
    }

    @Test
    void namesThatNeedEscapingStayValidJson() {
        String odd = "quote\" back\\slash";
        assertThat(new JsonObject(ActClaims.of(List.of("a", odd), Optional.empty()).encode())
                .getJsonObject("act").getString("sub")).isEqualTo(odd);
    }

    @Test
    void anEmptyChainIsAProgrammingError() {
        assertThatThrownBy(() -> ActClaims.of(List.of(), Optional.empty())).isInstanceOf(IllegalArgumentException.class);
    }
}
