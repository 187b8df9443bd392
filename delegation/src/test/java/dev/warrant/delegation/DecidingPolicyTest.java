package dev.warrant.delegation;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static dev.warrant.delegation.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every decision names the statement that made it (Decision.policy): the matched allow or deny policy, or the
 * check its reason is about, by policy file and line or by token block and check — the same on the prepared
 * path and on the library's own Authorizer.
 */
class DecidingPolicyTest {
    private static final String OPERATOR = """
            // operator policies
            deny if server("legacy-admin");
            check if method($m),
                     ["tools/call", "tools/list"].contains($m);
            allow if request("tool", "status", "ping");
            """;
    private static final AuthorizationLimits LIMITS = new AuthorizationLimits(1000, 100, Duration.ofSeconds(10));

    private static PolicySet policies() throws PolicyParseException {
        return PolicySet.concat(PolicySet.parse(OPERATOR, "operator.datalog"), PolicySet.defaults());
    }

    private static VerifiedToken hopToken() throws Exception {
        return VERIFIER.verify(Delegator.attenuate(plannerToken(), HopSpec.delegateTo("researcher")
                .tools("notes", "read_note").argPathPrefix("path", "/notes/").build(), CLOCK));
    }

    private static VerifiedToken planner() throws Exception {
        return VERIFIER.verify(plannerToken());
    }

    /** Both authorization paths, which must agree on the name too. */
    private static Optional<String> policy(VerifiedToken token, RequestFacts r) throws PolicyParseException {
        PolicySet set = policies();
        Decision prepared = token.authorize(r, set, LIMITS);
        assertThat(token.authorizeWithLibrary(r, set, LIMITS)).isEqualTo(prepared);
        return prepared.policy();
    }

    @Test
    void anAllowNamesTheAllowPolicyThatMatched() throws Exception {
        assertThat(policy(hopToken(), call("notes", "read_note").argPath("path", "/notes/a").build()))
                .contains("<default policy>:2: allow if request($k, $s, $n), right($k, $s, $n)");
        assertThat(policy(planner(), call("status", "ping").build()))
                .contains("operator.datalog:5: allow if request(\"tool\", \"status\", \"ping\")");
    }

    @Test
    void aDenyPolicyIsNamedByFileAndLine() throws Exception {
        assertThat(policy(planner(), call("legacy-admin", "read_note").build()))
                .contains("operator.datalog:2: deny if server(\"legacy-admin\")");
        assertThat(policy(planner(), call("github", "push").build()))
                .contains("<default policy>:5: deny if true");
    }

    @Test
    void aFailedCheckIsNamedByBlockOrByFileAndLine() throws Exception {
        Decision constraint = hopToken().authorize(call("notes", "read_note").argPath("path", "/etc/passwd").build(),
                policies(), LIMITS);
        assertThat(constraint.reason()).isEqualTo(DenyReason.CONSTRAINT_FAILED);
        assertThat(constraint.policy()).hasValueSatisfying(p -> assertThat(p)
                .startsWith("block 1, check ").contains("check all arg_path(\"path\", $").endsWith(constraint.detail()));
        assertThat(policy(hopToken(), call("notes", "read_note").argPath("path", "/etc/passwd").build()))
                .isEqualTo(constraint.policy());

        RequestFacts sampling = RequestFacts.builder().time(NOW).method("sampling/create")
                .request("tool", "notes", "read_note").argPath("path", "/notes/a").build();
        Decision operatorCheck = hopToken().authorize(sampling, policies(), LIMITS);
        assertThat(operatorCheck.reason()).isEqualTo(DenyReason.POLICY_CHECK_FAILED);
        // A statement over several lines is named by its first line and printed on one.
        assertThat(operatorCheck.policy()).contains(
                "operator.datalog:3: check if method($m), [\"tools/call\", \"tools/list\"].contains($m)");
        assertThat(policy(hopToken(), sampling)).isEqualTo(operatorCheck.policy());
    }

    @Test
    void noStatementDecidedMeansNoName() throws Exception {
        Decision none = planner().authorize(call("github", "push").build(), PolicySet.empty(), LIMITS);
        assertThat(none.reason()).isEqualTo(DenyReason.NOT_PERMITTED);
        assertThat(none.policy()).isEmpty();
        Decision limit = hopToken().authorize(call("notes", "read_note").argPath("path", "/notes/a").build(),
                policies(), new AuthorizationLimits(1000, 100, Duration.ofNanos(1)));
        assertThat(limit.reason()).isEqualTo(DenyReason.TIMEOUT);
        assertThat(limit.policy()).isEmpty();
    }

    @Test
    void longStatementsAreCut() throws Exception {
        String longList = "[" + "\"x\", ".repeat(60) + "\"y\"]";
        PolicySet set = PolicySet.parse("allow if request($k, $s, $n), " + longList + ".contains($n);", "long.datalog");
        Decision d = planner().authorize(RequestFacts.toolCall(NOW, "notes", "y").build(), set, LIMITS);
        assertThat(d.policy()).hasValueSatisfying(p -> {
            assertThat(p).startsWith("long.datalog:1: allow if request($k, $s, $n), [").endsWith("...");
            assertThat(p.length()).isEqualTo("long.datalog:1: ".length() + 160);
        });
    }
}
