package dev.warrant.delegation;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.warrant.delegation.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/** A later block can only narrow: facts it adds are invisible to the authority block and the authorizer. */
class WideningTest {
    static final String READER = MINTER.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
            .peer("spiffe://example.org/planner").build());

    static Decision decide(String token, RequestFacts r) throws TokenException {
        return authorize(token, r);
    }

    @Test
    void aHopAddingARightDoesNotWiden() throws Exception {
        String token = appendRaw(READER, "right(\"tool\", \"notes\", \"write_note\"); right(\"tool\", \"notes\", \"*\")");
        RequestFacts write = call("notes", "write_note").peer("spiffe://example.org/planner").build();
        assertThat(decide(token, write).allowed()).isFalse();
        assertThat(decide(token, write).reason()).isEqualTo(DenyReason.NOT_PERMITTED);
        assertThat(decide(token, call("notes", "read_note").peer("spiffe://example.org/planner").build()).allowed()).isTrue();
    }

    @Test
    void aHopAddingRequestLikeFactsDoesNotWiden() throws Exception {
        String delegated = Delegator.attenuate(READER, HopSpec.delegateTo("researcher")
                .tools("notes", "read_note").argPathPrefix("path", "/notes/public/").ttl(Duration.ofMinutes(15)).build(), CLOCK);
        String forged = appendRaw(delegated, String.join(";",
                "caller(\"planner\")", "chain(\"planner\")", "depth(0)",
                "peer(\"spiffe://example.org/planner\")",
                "time(2020-01-01T00:00:00Z)",
                "request(\"tool\", \"notes\", \"read_note\")",
                "method(\"tools/list\")",
                "arg_path(\"path\", \"/notes/public/x.md\")",
                "arg(\"path\", \"/notes/public/x.md\")",
                "risk(\"low\")",
                "expires(2099-01-01T00:00:00Z)",
                "issued_at(2099-01-01T00:00:00Z)",
                "agent(\"admin\")"));
        VerifiedToken v = VERIFIER.verify(forged);
        assertThat(v.agent()).isEqualTo("planner");
        assertThat(v.caller()).isEqualTo("researcher");
        assertThat(v.expiresAt()).isEqualTo(VERIFIER.verify(READER).expiresAt());

        // No peer on the connection: the authority's peer check still fails.
        assertThat(v.authorize(call("notes", "read_note").argPath("path", "/notes/public/a").build(),
                PolicySet.defaults(), AuthorizationLimits.defaults()).reason()).isEqualTo(DenyReason.AUTHORITY_CHECK_FAILED);
        // Path outside the prefix: the block's arg_path fact does not satisfy block 1's constraint.
        assertThat(v.authorize(call("notes", "read_note").peer("spiffe://example.org/planner")
                .argPath("path", "/notes/private/plan.md").build(), PolicySet.defaults(), AuthorizationLimits.defaults())
                .failedBlock()).hasValue(1);
        // A call of a tool outside the hop's allow-list: request/method facts of block 2 do not help.
        assertThat(v.authorize(call("notes", "write_note").peer("spiffe://example.org/planner")
                .argPath("path", "/notes/public/a").build(), PolicySet.defaults(), AuthorizationLimits.defaults())
                .allowed()).isFalse();
        // After the hop expired: block 2's time fact does not satisfy block 1's expiry check.
        assertThat(v.authorize(RequestFacts.toolCall(NOW.plus(Duration.ofMinutes(20)), "notes", "read_note")
                .peer("spiffe://example.org/planner").argPath("path", "/notes/public/a").build(),
                PolicySet.defaults(), AuthorizationLimits.defaults()).reason()).isEqualTo(DenyReason.TOKEN_EXPIRED);
        // And the legitimate call still works.
        assertThat(v.authorize(call("notes", "read_note").peer("spiffe://example.org/planner")
                .argPath("path", "/notes/public/a").build(), PolicySet.defaults(), AuthorizationLimits.defaults())
                .allowed()).isTrue();
    }

    @Test
    void anExpiredHopInsideAValidParentIsDenied() throws Exception {
        String token = Delegator.attenuate(plannerToken(), HopSpec.delegateTo("researcher").ttl(Duration.ofMinutes(5)).build(),
                clockAt(NOW.minus(Duration.ofMinutes(10))));
        Decision d = authorize(token, call("notes", "read_note").build());
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).isEqualTo(DenyReason.TOKEN_EXPIRED);
        assertThat(d.failedBlock()).hasValue(1);
    }

    @Test
    void theDefaultPolicyEnforcesExpiresEvenWithoutTheIssuerCheck() throws Exception {
        // Verify at NOW (valid) but authorize a request stamped after expires.
        VerifiedToken v = VERIFIER.verify(plannerToken());
        Decision d = v.authorize(RequestFacts.toolCall(NOW.plus(Duration.ofHours(2)), "notes", "read_note").build(),
                PolicySet.defaults(), AuthorizationLimits.defaults());
        assertThat(d.reason()).isEqualTo(DenyReason.TOKEN_EXPIRED);
    }
}
