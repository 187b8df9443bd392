package dev.warrant.delegation;

import org.biscuitsec.biscuit.token.UnverifiedBiscuit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.warrant.delegation.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/** docs/DELEGATION.md: planner delegates read-only access to /notes/public/ to a researcher. */
class DelegationScenarioTest {
    static VerifiedToken researcher;

    @BeforeAll
    static void delegate() throws Exception {
        String token = Delegator.attenuate(plannerToken(), HopSpec.delegateTo("researcher")
                .tools("notes", "read_note")
                .argPathPrefix("path", "/notes/public/")
                .ttl(Duration.ofMinutes(15))
                .build(), CLOCK);
        researcher = VERIFIER.verify(token);
    }

    private static Decision decide(RequestFacts r) {
        return researcher.authorize(r, PolicySet.defaults(), AuthorizationLimits.defaults());
    }

    @Test
    void hopBlockIsTheContract() throws Exception {
        String token = Delegator.attenuate(plannerToken(), HopSpec.delegateTo("researcher")
                .tools("notes", "read_note", "list").resources("fs", "file:///repo/").tools("github", "*")
                .argPathPrefix("path", "/repo/").ttl(Duration.ofMinutes(40)).peer("spiffe://example.org/researcher")
                .build(), CLOCK);
        String printed = UnverifiedBiscuit.from_b64url(token).print();
        assertThat(printed).contains("delegation(\"planner\", \"researcher\")")
                .contains("request(\"resource\", \"fs\", $u), $u.starts_with(\"file:///repo/\") or request(\"tool\", \"github\", $n)")
                .contains("check all arg_path(\"path\", $p), $p.starts_with(\"/repo/\") or method(\"tools/list\")")
                .contains("check if time($t), $t < 2026-11-25T20:40:00Z")
                .contains("check if peer(\"spiffe://example.org/researcher\")")
                .doesNotContain("!=");
    }

    @Test
    void readInsidePrefixIsAllowed() {
        Decision d = decide(call("notes", "read_note").argPath("path", "/notes/public/hello.md").build());
        assertThat(d.allowed()).isTrue();
        assertThat(d.reason()).isEqualTo(DenyReason.ALLOWED);
    }

    @Test
    void readOutsidePrefixFailsTheHopConstraint() {
        Decision d = decide(call("notes", "read_note").argPath("path", "/notes/private/plan.md").build());
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).isEqualTo(DenyReason.CONSTRAINT_FAILED);
        assertThat(d.failedBlock()).hasValue(1);
        assertThat(d.detail()).contains("arg_path");
    }

    @Test
    void toolOutsideTheAllowListIsDenied() {
        Decision d = decide(call("notes", "write_note").argPath("path", "/notes/public/x.md").build());
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).isEqualTo(DenyReason.CONSTRAINT_FAILED);
        assertThat(d.failedBlock()).hasValue(1);
    }

    @Test
    void listingUsesTheSameDecisionWithoutArguments() {
        assertThat(decide(listItem("notes", "read_note")).allowed()).isTrue();
        assertThat(decide(listItem("notes", "write_note")).allowed()).isFalse();
    }

    @Test
    void callWithoutTheConstrainedArgumentIsDenied() {
        // check all is not vacuous: no arg_path("path", ..) fact means the constraint fails.
        Decision d = decide(call("notes", "read_note").build());
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).isEqualTo(DenyReason.CONSTRAINT_FAILED);
    }

    @Test
    void everyValueOfAMultiValuedArgumentMustSatisfyTheConstraint() {
        Decision d = decide(call("notes", "read_note").argPath("path", "/notes/public/a.md")
                .argPath("path", "/notes/private/b.md").build());
        assertThat(d.allowed()).isFalse();
    }

    @Test
    void hopExpiryDeniesAfterFifteenMinutesWhileTheParentIsStillValid() {
        Decision d = decide(RequestFacts.toolCall(NOW.plus(Duration.ofMinutes(16)), "notes", "read_note")
                .argPath("path", "/notes/public/hello.md").build());
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).isEqualTo(DenyReason.TOKEN_EXPIRED);
        assertThat(d.failedBlock()).hasValue(1);
    }

    @Test
    void equalsAndRangeConstraints() throws Exception {
        String token = Delegator.attenuate(MINTER.mint(MintSpec.builder("planner").right("tool", "db", "*").build()),
                HopSpec.delegateTo("worker").argEquals("table", "public").argRange("limit", 1, 100)
                        .argEquals("version", 2).build(), CLOCK);
        VerifiedToken v = VERIFIER.verify(token);
        var ok = call("db", "query").arg("table", "public").arg("limit", 50).arg("version", 2).build();
        assertThat(v.authorize(ok, PolicySet.defaults(), AuthorizationLimits.defaults()).allowed()).isTrue();
        var badTable = call("db", "query").arg("table", "secret").arg("limit", 50).arg("version", 2).build();
        assertThat(v.authorize(badTable, PolicySet.defaults(), AuthorizationLimits.defaults()).reason())
                .isEqualTo(DenyReason.CONSTRAINT_FAILED);
        var overLimit = call("db", "query").arg("table", "public").arg("limit", 101).arg("version", 2).build();
        assertThat(v.authorize(overLimit, PolicySet.defaults(), AuthorizationLimits.defaults()).allowed()).isFalse();
        var underLimit = call("db", "query").arg("table", "public").arg("limit", 0).arg("version", 2).build();
        assertThat(v.authorize(underLimit, PolicySet.defaults(), AuthorizationLimits.defaults()).allowed()).isFalse();
        assertThat(v.authorize(RequestFacts.builder().time(NOW).method("tools/list").request("tool", "db", "query").build(),
                PolicySet.defaults(), AuthorizationLimits.defaults()).allowed()).isTrue();
    }

    @Test
    void resourcesByPrefixAndAHopListingOnlyToolsDeniesResources() throws Exception {
        String root = MINTER.mint(MintSpec.builder("planner").right("tool", "fs", "*")
                .right("resource", "fs", "file:///").build());
        String prefixHop = Delegator.attenuate(root, HopSpec.delegateTo("r").resources("fs", "file:///repo/").build(), CLOCK);
        VerifiedToken v = VERIFIER.verify(prefixHop);
        RequestFacts inside = RequestFacts.builder().time(NOW).method("resources/read").request("resource", "fs", "file:///repo/a.txt").build();
        RequestFacts outside = RequestFacts.builder().time(NOW).method("resources/read").request("resource", "fs", "file:///etc/passwd").build();
        assertThat(v.authorize(inside, PolicySet.defaults(), AuthorizationLimits.defaults()).allowed()).isTrue();
        assertThat(v.authorize(outside, PolicySet.defaults(), AuthorizationLimits.defaults()).allowed()).isFalse();

        String toolsOnly = Delegator.attenuate(root, HopSpec.delegateTo("r").tools("fs", "*").build(), CLOCK);
        VerifiedToken t = VERIFIER.verify(toolsOnly);
        assertThat(t.authorize(inside, PolicySet.defaults(), AuthorizationLimits.defaults()).allowed()).isFalse();
        assertThat(t.authorize(call("fs", "anything").build(), PolicySet.defaults(), AuthorizationLimits.defaults()).allowed()).isTrue();
    }

    @Test
    void chainFactsAreAvailableToPolicies() throws Exception {
        String token = Delegator.attenuate(Delegator.attenuate(plannerToken(),
                HopSpec.delegateTo("researcher").build(), CLOCK), HopSpec.delegateTo("summarizer").build(), CLOCK);
        VerifiedToken v = VERIFIER.verify(token);
        assertThat(v.chain()).containsExactly("planner", "researcher", "summarizer");
        PolicySet custom = PolicySet.parse("""
                deny if depth($d), $d > 1, request("tool", "notes", "write_note");
                allow if caller("summarizer"), chain("researcher"), request("tool", "notes", "read_note");
                """, "custom.datalog");
        PolicySet all = PolicySet.concat(custom, PolicySet.defaults());
        assertThat(v.authorize(call("notes", "write_note").build(), all, AuthorizationLimits.defaults()).reason())
                .isEqualTo(DenyReason.NOT_PERMITTED);
        assertThat(v.authorize(call("notes", "read_note").build(), all, AuthorizationLimits.defaults()).allowed()).isTrue();
    }
}
