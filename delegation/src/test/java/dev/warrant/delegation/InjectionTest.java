package dev.warrant.delegation;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.warrant.delegation.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Untrusted strings always become one string term: quotes, parens, semicolons, newlines cannot add Datalog. */
class InjectionTest {
    static final List<String> HOSTILE = List.of(
            "x\"), right(\"tool\",\"notes\",\"write_note",
            "x\"); allow if true; //",
            "\") or true or (\"",
            "a;\nb",
            "read_note\"].contains($n) or true or [\"",
            "\\\"",
            "ünïcødé ☃ \u202e",
            "*");

    @Test
    void hostileArgumentValuesAndKeysAreJustStrings() throws Exception {
        String token = Delegator.attenuate(MINTER.mint(MintSpec.builder("planner").right("tool", "notes", "read_note").build()),
                HopSpec.delegateTo("researcher").argEquals("mode", "safe").argPathPrefix("path", "/pub/").build(), CLOCK);
        VerifiedToken v = VERIFIER.verify(token);
        for (String evil : HOSTILE) {
            RequestFacts r = call("notes", "read_note").arg("mode", evil).argPath("path", evil)
                    .arg(evil, "safe").argPath(evil, "/pub/x").build();
            assertThat(v.authorize(r, PolicySet.defaults(), AuthorizationLimits.defaults()).allowed()).as(evil).isFalse();
        }
    }

    @Test
    void hostileToolAndServerNamesCannotMatchOtherRights() throws Exception {
        String token = MINTER.mint(MintSpec.builder("planner").right("tool", "notes", "read_note").build());
        VerifiedToken v = VERIFIER.verify(token);
        for (String evil : HOSTILE) {
            assertThat(v.authorize(call("notes", evil).build(), PolicySet.defaults(), AuthorizationLimits.defaults())
                    .allowed()).as(evil).isFalse();
            assertThat(v.authorize(call(evil, "read_note").build(), PolicySet.defaults(), AuthorizationLimits.defaults())
                    .allowed()).as(evil).isFalse();
            RequestFacts odd = RequestFacts.builder().time(NOW).method(evil).request(evil, evil, evil).risk(evil).peer(evil).build();
            assertThat(v.authorize(odd, PolicySet.defaults(), AuthorizationLimits.defaults()).allowed()).isFalse();
        }
    }

    @Test
    void hostileNamesInHopsAndRightsStayLiteral() throws Exception {
        String literal = "read_note\"].contains($n) or true or [\"";
        String token = MINTER.mint(MintSpec.builder("planner\"), right(\"tool\", \"notes\", \"write_note")
                .right("tool", "notes", "*").task("T\"); allow if true; //").build());
        String delegated = Delegator.attenuate(token, HopSpec.delegateTo("r\")").tools("notes", literal)
                .argEquals("mode", "x\") or true or (\"").build(), CLOCK);
        VerifiedToken v = VERIFIER.verify(delegated);
        assertThat(v.agent()).isEqualTo("planner\"), right(\"tool\", \"notes\", \"write_note");
        assertThat(v.caller()).isEqualTo("r\")");
        assertThat(v.task()).contains("T\"); allow if true; //");
        assertThat(v.authorize(call("notes", "write_note").arg("mode", "anything").build(),
                PolicySet.defaults(), AuthorizationLimits.defaults()).allowed()).isFalse();
        assertThat(v.authorize(call("notes", literal).arg("mode", "x\") or true or (\"").build(),
                PolicySet.defaults(), AuthorizationLimits.defaults()).allowed()).isTrue();
    }

    @Test
    void hostileIdentityIssuersAndSubjectsAreRecordedVerbatimAndGrantNothing() throws Exception {
        for (String evil : HOSTILE.stream().filter(h -> h.chars().noneMatch(Character::isISOControl)).toList()) {
            String token = MINTER.mint(MintSpec.builder("alice").identity(new Identity("https://idp/" + evil, evil)).build());
            VerifiedToken v = VERIFIER.verify(token);
            assertThat(v.identity()).as(evil).contains(new Identity("https://idp/" + evil, evil));
            assertThat(v.authorize(call("notes", "write_note").build(), PolicySet.defaults(), AuthorizationLimits.defaults())
                    .allowed()).as(evil).isFalse();
        }
        // Control characters (a newline could split an audit line) never make it into a token.
        assertThatThrownBy(() -> new Identity("https://idp", "a;\nb")).isInstanceOf(IllegalArgumentException.class);
    }
}
