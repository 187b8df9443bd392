package dev.warrant.gateway.errors;

import dev.warrant.delegation.DenyReason;
import dev.warrant.delegation.TokenReason;
import dev.warrant.gateway.admin.AdminReason;
import dev.warrant.policies.PolicyEngine;
import dev.warrant.policies.Verdict;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every reason code the delegation, policy and admin vocabularies can produce is mapped to a {@link Reason}
 * with a category, and the category alone decides how it travels: no code falls through to the fail-closed
 * default, and no mapping reads a reason's numbers to guess its kind.
 */
class ReasonCategoryTest {

    @Test
    void everyDelegationAndPolicyCodeIsAMappedReason() {
        List<String> codes = new ArrayList<>();
        Arrays.stream(TokenReason.values()).map(TokenReason::code).forEach(codes::add);
        Arrays.stream(DenyReason.values()).filter(r -> r != DenyReason.ALLOWED).map(DenyReason::code).forEach(codes::add);
        codes.add(PolicyEngine.ARGUMENT_LIMIT);

        List<String> unmapped = codes.stream().filter(c -> Reason.find(c).isEmpty()).toList();
        assertThat(unmapped).as("codes that would silently become evaluation_error").isEmpty();
        assertThat(Reason.find(Verdict.ALLOWED)).as("allowed is not a refusal").isEmpty();
    }

    @Test
    void tokenReasonsAreAuthenticationAndPolicyDenialsAreDenials() {
        for (TokenReason r : TokenReason.values()) {
            assertThat(Reason.fromCode(r.code()).category()).as(r.code()).isEqualTo(Reason.Category.AUTHENTICATION);
        }
        for (DenyReason r : DenyReason.values()) {
            if (r == DenyReason.ALLOWED) {
                continue;
            }
            Reason mapped = Reason.fromCode(r.code());
            // An expiry found by a check is the token's death, not a hidden tool.
            Reason.Category expected = r == DenyReason.TOKEN_EXPIRED ? Reason.Category.AUTHENTICATION : Reason.Category.DENIAL;
            assertThat(mapped.category()).as(r.code()).isEqualTo(expected);
        }
    }

    @Test
    void theCategoryDecidesEveryMapping() {
        for (Reason r : Reason.values()) {
            assertThat(r.code()).matches("[a-z]+(_[a-z]+)*");
            assertThat(r.httpStatusWithoutAnswer()).as(r.code()).isBetween(400, 599);
            switch (r.category()) {
                case AUTHENTICATION -> {
                    assertThat(r.isAuthentication()).isTrue();
                    assertThat(r.httpStatus()).as(r.code()).isEqualTo(401);
                    assertThat(r.adminStatus()).isEqualTo(401);
                    assertThat(r.isDenial()).as("audited as deny").isTrue();
                }
                case DENIAL -> {
                    assertThat(r.isDenial()).as(r.code()).isTrue();
                    assertThat(r.adminStatus()).isEqualTo(403);
                }
                case UPSTREAM -> {
                    assertThat(r.isDenial()).isFalse();
                    assertThat(r.httpStatus()).as("an upstream failure keeps the session").isEqualTo(200);
                }
                case TRANSPORT -> assertThat(r.isDenial()).isFalse();
                case INTERNAL -> assertThat(r.adminStatus()).isBetween(500, 599);
            }
        }
    }

    @Test
    void aPolicyDenialOfOneCallKeepsTheSessionButOutsideACallItIsForbidden() {
        assertThat(Reason.NOT_PERMITTED.httpStatus()).isEqualTo(200);
        assertThat(Reason.NOT_PERMITTED.httpStatusWithoutAnswer()).isEqualTo(403);
        assertThat(Reason.RATE_LIMITED.httpStatus()).isEqualTo(200);
        assertThat(Reason.RATE_LIMITED.httpStatusWithoutAnswer()).isEqualTo(429);
        assertThat(Reason.SESSION_OWNER_MISMATCH.httpStatus()).isEqualTo(403);
        assertThat(Reason.AUDIT_UNAVAILABLE.httpStatusWithoutAnswer()).isEqualTo(503);
    }

    @Test
    void anUnknownCodeStillFailsClosed() {
        assertThat(Reason.fromCode("no_such_code")).isEqualTo(Reason.EVALUATION_ERROR);
    }

    @Test
    void adminCodesAreDistinctFromEachOtherAndCarryAnErrorStatus() {
        assertThat(Arrays.stream(AdminReason.values()).map(AdminReason::code).distinct().count())
                .isEqualTo(AdminReason.values().length);
        for (AdminReason r : AdminReason.values()) {
            assertThat(r.httpStatus()).as(r.code()).isBetween(400, 599);
            Reason.find(r.code()).ifPresent(shared -> assertThat(shared.adminStatus())
                    .as("a code shared with the request path means the same on the admin API: " + r.code())
                    .isEqualTo(r.httpStatus()));
        }
    }
}
