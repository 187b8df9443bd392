package dev.warrant.gateway.admin;

import dev.warrant.gateway.cluster.RevocationIncompleteException;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** One status per kind of admin failure, the same on every admin route. */
class AdminErrorsTest {

    @Test
    void everyKindOfFailureHasItsStatusAndReason() {
        assertThat(AdminErrors.answer(new AdminRefusal(AdminReason.UPSTREAM_STATIC, "from the config")))
                .isEqualTo(new AdminErrors.Answer(409, "upstream_static", "from the config"));
        assertThat(AdminErrors.answer(new RevocationIncompleteException("member 2 did not confirm")))
                .isEqualTo(new AdminErrors.Answer(503, "revocation_incomplete", "member 2 did not confirm"));
        assertThat(AdminErrors.answer(WarrantException.of(Reason.TOKEN_EXPIRED, "expired")).status()).isEqualTo(401);
        assertThat(AdminErrors.answer(WarrantException.of(Reason.REVOKED)).status()).isEqualTo(401);
        assertThat(AdminErrors.answer(WarrantException.of(Reason.NOT_PERMITTED, "admin right required")))
                .isEqualTo(new AdminErrors.Answer(403, "not_permitted", "admin right required"));
        assertThat(AdminErrors.answer(WarrantException.of(Reason.INVALID_REQUEST, "revocationId must be hex")).status())
                .isEqualTo(400);
        assertThat(AdminErrors.answer(WarrantException.of(Reason.PARSE_ERROR)).status()).isEqualTo(400);
        assertThat(AdminErrors.answer(WarrantException.of(Reason.APPROVAL_UNKNOWN)).status()).isEqualTo(404);
    }

    @Test
    void anInternalFailureIs500AndTellsTheCallerNothingAboutIt() {
        AdminErrors.Answer answer = AdminErrors.answer(new IllegalStateException("secret path /var/lib/x"));
        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.reason()).isEqualTo("internal_error");
        assertThat(answer.body().encode()).doesNotContain("secret").doesNotContain("IllegalState");
    }

    @Test
    void theBodyCarriesTheReasonAndADetailOnlyWhenThereIsOne() {
        assertThat(new AdminErrors.Answer(404, "upstream_unknown", "no registered upstream 'x'").body().encode())
                .isEqualTo("{\"error\":{\"reason\":\"upstream_unknown\",\"detail\":\"no registered upstream 'x'\"}}");
        assertThat(new AdminErrors.Answer(401, "token_missing", null).body().encode())
                .isEqualTo("{\"error\":{\"reason\":\"token_missing\"}}");
    }

    @Test
    void reasonCodesAreUniqueAndSnakeCase() {
        assertThat(Arrays.stream(AdminReason.values()).map(AdminReason::code).distinct().count())
                .isEqualTo(AdminReason.values().length);
        assertThat(AdminReason.values()).allSatisfy(r -> assertThat(r.code()).matches("[a-z]+(_[a-z]+)*"));
    }
}
