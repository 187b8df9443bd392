package dev.warrant.delegation;

import org.junit.jupiter.api.Test;

import static dev.warrant.delegation.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PolicySetTest {

    @Test
    void defaultsAreTheDesignPolicy() {
        PolicySet d = PolicySet.defaults();
        assertThat(d.policyCount()).isEqualTo(4);
        assertThat(d.checkCount()).isEqualTo(1);
        assertThat(d.ruleCount()).isZero();
    }

    @Test
    void parsesEveryStatementKindWithCommentsAndMultiLineStatements() throws Exception {
        PolicySet p = PolicySet.parse("""
                // a comment; with a semicolon
                trusted("planner");            // fact
                elevated($a) <- caller($a),
                                trusted($a);  // rule over two lines
                check if time($t);
                check all arg("k", $v), $v == "a;b // not a comment" or method("tools/list");
                allow if elevated($a);
                deny if risk("high");
                """, "team.datalog");
        assertThat(p.factCount()).isEqualTo(1);
        assertThat(p.ruleCount()).isEqualTo(1);
        assertThat(p.checkCount()).isEqualTo(2);
        assertThat(p.policyCount()).isEqualTo(2);
        PolicySet all = PolicySet.concat(p, PolicySet.defaults());
        assertThat(all.policyCount()).isEqualTo(6);
    }

    @Test
    void reportsFileAndLineOfTheFirstBadStatement() {
        PolicyParseException e = catchThrowableOfType(PolicyParseException.class, () -> PolicySet.parse("""
                allow if right("tool", $s, $n);
                // comment

                check if time($t),
                   $t <<< 3;
                deny if true;
                """, "bad.datalog"));
        assertThat(e.sourceName()).isEqualTo("bad.datalog");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.getMessage()).startsWith("bad.datalog:4: ").doesNotContain("\n");
    }

    @Test
    void otherErrors() {
        PolicyParseException missingSemicolon = catchThrowableOfType(PolicyParseException.class,
                () -> PolicySet.parse("deny if true;\nallow if true", "m.datalog"));
        assertThat(missingSemicolon.line()).isEqualTo(2);
        assertThat(missingSemicolon.reason()).contains("missing ';'");

        PolicyParseException unbound = catchThrowableOfType(PolicyParseException.class,
                () -> PolicySet.parse("\n\nhead($x) <- body($y);", "r.datalog"));
        assertThat(unbound.line()).isEqualTo(3);

        PolicyParseException scoped = catchThrowableOfType(PolicyParseException.class,
                () -> PolicySet.parse("allow if right($k, $s, $n) trusting previous;", "s.datalog"));
        assertThat(scoped).isNotNull();
        assertThat(scoped.reason()).contains("trusting");

        PolicyParseException unterminated = catchThrowableOfType(PolicyParseException.class,
                () -> PolicySet.parse("allow if caller(\"x);", "u.datalog"));
        assertThat(unterminated).isNotNull();
    }

    @Test
    void firstMatchingPolicyWins() throws Exception {
        VerifiedToken v = VERIFIER.verify(plannerToken());
        PolicySet denyWrites = PolicySet.parse("deny if request(\"tool\", $s, \"write_note\");", "c");
        assertThat(v.authorize(call("notes", "write_note").build(), PolicySet.concat(denyWrites, PolicySet.defaults()),
                AuthorizationLimits.defaults()).reason()).isEqualTo(DenyReason.NOT_PERMITTED);
        assertThat(v.authorize(call("notes", "write_note").build(), PolicySet.defaults(),
                AuthorizationLimits.defaults()).allowed()).isTrue();
    }

    @Test
    void policyCheckFailureHasItsOwnReason() throws Exception {
        VerifiedToken v = VERIFIER.verify(plannerToken());
        PolicySet needsRisk = PolicySet.concat(PolicySet.parse("check if risk(\"low\");", "c"), PolicySet.defaults());
        Decision d = v.authorize(call("notes", "read_note").build(), needsRisk, AuthorizationLimits.defaults());
        assertThat(d.reason()).isEqualTo(DenyReason.POLICY_CHECK_FAILED);
        assertThat(d.detail()).contains("risk");
        assertThat(v.authorize(call("notes", "read_note").risk("low").build(), needsRisk, AuthorizationLimits.defaults())
                .allowed()).isTrue();
    }
}
