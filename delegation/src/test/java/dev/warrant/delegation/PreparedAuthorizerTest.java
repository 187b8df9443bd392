package dev.warrant.delegation;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.warrant.delegation.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The prepared path (token and policy set converted once per VerifiedToken) must decide exactly as the
 * library's own Authorizer, built fresh per call, does: same allow/deny, reason, detail and block.
 */
class PreparedAuthorizerTest {
    /** Derived rules, authorizer checks, deny and allow policies with set literals (as the benchmark's). */
    private static final String OPERATOR_SOURCE = """
            writes($s, $n) <- request("tool", $s, $n), ["write_note", "delete_note"].contains($n);
            high_risk(true) <- risk("high");
            delegated(true) <- depth($d), $d > 0;
            sensitive_path($p) <- arg_path($k, $p), $p.starts_with("/etc/");
            check if method($m), ["tools/call", "tools/list", "resources/read"].contains($m);
            check if depth($d), $d <= 8;
            check if request($k, $s, $n), $n.length() < 20;
            check if arg("max_bytes", $b), $b > 7 or method("tools/list");
            deny if sensitive_path($p);
            deny if high_risk(true), delegated(true);
            deny if writes($s, $n), caller($c), ["researcher"].contains($c);
            deny if server($s), ["legacy-admin"].contains($s);
            allow if request("tool", "status", "ping");
            operator_fact("x");
            """;
    private static final AuthorizationLimits LIMITS = new AuthorizationLimits(1000, 100, Duration.ofSeconds(10));

    private static PolicySet operatorPolicies() throws PolicyParseException {
        return PolicySet.concat(PolicySet.parse(OPERATOR_SOURCE, "operator.datalog"), PolicySet.defaults());
    }

    /** planner -> researcher (notes tools, path prefix) -> summarizer, plus a scoped check and a check all. */
    private static VerifiedToken twoHopToken() throws Exception {
        String hop1 = Delegator.attenuate(plannerToken(), HopSpec.delegateTo("researcher")
                .tools("notes", "read_note", "write_note").argPathPrefix("path", "/notes/").build(), CLOCK);
        String hop2 = Delegator.attenuate(hop1, HopSpec.delegateTo("summarizer")
                .tools("notes", "read_note", "write_note").build(), CLOCK);
        String extra = appendRaw(hop2, "check if time($t) trusting previous;"
                + "check all arg(\"max_bytes\", $b), $b < 100000 or method(\"tools/list\")");
        return VERIFIER.verify(extra);
    }

    private static List<RequestFacts> requests(int salt) {
        return List.of(
                call("notes", "read_note").argPath("path", "/notes/a" + salt).arg("max_bytes", 1000).risk("low").build(),
                call("notes", "read_note").argPath("path", "/secret/" + salt).arg("max_bytes", 1000).build(),
                call("notes", "read_note").argPath("path", "/etc/passwd" + salt).arg("max_bytes", 1000).build(),
                call("notes", "read_note").argPath("path", "/notes/b").arg("max_bytes", 500000).build(),
                call("notes", "read_note").argPath("path", "/notes/c").build(),
                call("notes", "write_note").argPath("path", "/notes/w" + salt).arg("max_bytes", 10).build(),
                call("notes", "delete_note").argPath("path", "/notes/d").arg("max_bytes", 10).build(),
                call("notes", "read_note").argPath("path", "/notes/r").arg("max_bytes", 10).risk("high").build(),
                call("status", "ping").build(),
                call("notes", "read_note").argPath("path", "/notes/small").arg("max_bytes", 5).build(),
                call("legacy-admin", "read_note").argPath("path", "/notes/x").arg("max_bytes", 10).build(),
                call("notes", "a_tool_name_that_is_too_long_" + salt).build(),
                listItem("notes", "read_note"),
                RequestFacts.builder().time(NOW).method("sampling/create").request("tool", "notes", "read_note").build(),
                RequestFacts.toolCall(NOW.plus(Duration.ofHours(3)), "notes", "read_note")
                        .argPath("path", "/notes/late").arg("max_bytes", 10).build());
    }

    @Test
    void preparedPathDecidesExactlyAsTheLibraryAuthorizer() throws Exception {
        VerifiedToken token = twoHopToken();
        Set<DenyReason> reasons = EnumSet.noneOf(DenyReason.class);
        int allowed = 0;
        for (PolicySet policies : List.of(operatorPolicies(), PolicySet.defaults())) {
            assertThat(token.usesPreparedPath(policies)).isTrue();
            for (RequestFacts r : requests(7)) {
                Decision expected = token.authorizeWithLibrary(r, policies, LIMITS);
                assertThat(token.authorize(r, policies, LIMITS)).as("%s", r).isEqualTo(expected);
                if (expected.allowed()) {
                    allowed++;
                } else {
                    reasons.add(expected.reason());
                }
            }
        }
        // The matrix exercises allows and every kind of deny the evaluation can produce.
        assertThat(allowed).isGreaterThanOrEqualTo(3);
        assertThat(reasons).contains(DenyReason.NOT_PERMITTED, DenyReason.CONSTRAINT_FAILED,
                DenyReason.POLICY_CHECK_FAILED, DenyReason.TOKEN_EXPIRED);
    }

    @Test
    void limitsAndTimeoutsBehaveAsTheLibrary() throws Exception {
        VerifiedToken token = twoHopToken();
        PolicySet policies = operatorPolicies();
        RequestFacts r = requests(1).get(0);
        for (AuthorizationLimits limits : List.of(new AuthorizationLimits(5, 100, Duration.ofSeconds(10)),
                new AuthorizationLimits(1000, 1, Duration.ofSeconds(10)))) {
            Decision expected = token.authorizeWithLibrary(r, policies, limits);
            assertThat(expected.reason()).isEqualTo(DenyReason.LIMIT_EXCEEDED);
            assertThat(token.authorize(r, policies, limits)).isEqualTo(expected);
        }
        Decision timeout = token.authorize(r, policies, new AuthorizationLimits(1000, 100, Duration.ofNanos(1)));
        assertThat(timeout.reason()).isEqualTo(DenyReason.TIMEOUT);
    }

    /**
     * An expression that fails on one binding (max_bytes sent as a number and as a boolean) while another
     * binding satisfies it: the library's answer depends on its hash order; the prepared path always denies
     * with EVALUATION_ERROR, for a check if, a check all and an operator check alike (CompiledRule).
     */
    @Test
    void anExpressionErrorOnAnyBindingDeniesRegardlessOfOrder() throws Exception {
        String checkIf = appendRaw(plannerToken(), "check if arg(\"max_bytes\", $b), $b < 100");
        String checkAll = appendRaw(plannerToken(), "check all arg(\"max_bytes\", $b), $b < 100");
        PolicySet operatorCheck = PolicySet.concat(PolicySet.parse("check if arg(\"max_bytes\", $b), $b < 100;",
                "operator.datalog"), PolicySet.defaults());
        for (boolean numberFirst : List.of(true, false)) {
            RequestFacts.Builder b = call("notes", "read_note");
            RequestFacts mixed = (numberFirst ? b.arg("max_bytes", 10).arg("max_bytes", true)
                    : b.arg("max_bytes", true).arg("max_bytes", 10)).build();
            for (VerifiedToken token : List.of(VERIFIER.verify(checkIf), VERIFIER.verify(checkAll))) {
                assertThat(token.usesPreparedPath(PolicySet.defaults())).isTrue();
                assertThat(token.authorize(mixed, PolicySet.defaults(), LIMITS).reason())
                        .isEqualTo(DenyReason.EVALUATION_ERROR);
            }
            assertThat(VERIFIER.verify(plannerToken()).authorize(mixed, operatorCheck, LIMITS).reason())
                    .isEqualTo(DenyReason.EVALUATION_ERROR);
        }
        // Control: the same checks pass when every binding is well typed.
        RequestFacts typed = call("notes", "read_note").arg("max_bytes", 10).arg("max_bytes", 20).build();
        assertThat(VERIFIER.verify(checkIf).authorize(typed, PolicySet.defaults(), LIMITS).allowed()).isTrue();
        assertThat(VERIFIER.verify(checkAll).authorize(typed, PolicySet.defaults(), LIMITS).allowed()).isTrue();
    }

    @Test
    void switchingPolicySetsRePreparesForTheNewSet() throws Exception {
        VerifiedToken token = twoHopToken();
        // Denied by the operator set (high risk in a delegated chain), allowed by the defaults alone.
        RequestFacts risky = call("notes", "read_note").argPath("path", "/notes/r").arg("max_bytes", 10)
                .risk("high").build();
        PolicySet operator = operatorPolicies();
        assertThat(token.authorize(risky, operator, LIMITS).reason()).isEqualTo(DenyReason.NOT_PERMITTED);
        assertThat(token.authorize(risky, PolicySet.defaults(), LIMITS).allowed()).isTrue();
        assertThat(token.authorize(risky, operator, LIMITS).reason()).isEqualTo(DenyReason.NOT_PERMITTED);
    }

    /**
     * Stronger than defect 6's test: 8 threads race the first preparation of a fresh token, then share the
     * prepared world while each request adds new strings (salted paths and names) to its own symbol table;
     * every decision, allows and every kind of deny, must equal the library's single-threaded one.
     */
    @Test
    void concurrentCallsShareThePreparedAuthorizerSafely() throws Exception {
        VerifiedToken token = twoHopToken();
        PolicySet policies = operatorPolicies();
        int rounds = 60;
        List<List<Decision>> expected = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            List<Decision> row = new ArrayList<>();
            for (RequestFacts r : requests(i)) {
                row.add(twoHopToken().authorizeWithLibrary(r, policies, LIMITS));
            }
            expected.add(row);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                results.add(pool.submit(() -> {
                    for (int n = 0; n < rounds; n++) {
                        int i = (n + offset * 7) % rounds;
                        List<RequestFacts> rs = requests(i);
                        for (int k = 0; k < rs.size(); k++) {
                            Decision d = token.authorize(rs.get(k), policies, LIMITS);
                            if (!d.equals(expected.get(i).get(k))) {
                                return "round " + i + " request " + k + ": expected " + expected.get(i).get(k) + " got " + d;
                            }
                        }
                    }
                    return "ok";
                }));
            }
            for (Future<String> f : results) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo("ok");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
