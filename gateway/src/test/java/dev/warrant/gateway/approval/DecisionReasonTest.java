package dev.warrant.gateway.approval;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An approver's reason (DecisionReason) and the admin API's optional {"reason"} body (ApprovalApi.reason). */
class DecisionReasonTest {

    @Test
    void noneBlankOrStrippedText() {
        assertThat(DecisionReason.check(null)).isNull();
        assertThat(DecisionReason.check("   ")).isNull();
        assertThat(DecisionReason.check("  looks fine, ticket OPS-12  ")).isEqualTo("looks fine, ticket OPS-12");
        assertThat(DecisionReason.check("Überprüft — 確認済み ✓")).isEqualTo("Überprüft — 確認済み ✓");
    }

    @Test
    void atMostFiveHundredCharactersCountedAsCodePoints() {
        assertThat(DecisionReason.check("x".repeat(500))).hasSize(500);
        // 500 characters outside the BMP are 1000 UTF-16 units, and still allowed.
        assertThat(DecisionReason.check("😀".repeat(500))).isNotNull();
        assertRefused("x".repeat(501));
    }

    @Test
    void controlAndBidirectionalCharactersAreRefused() {
        assertRefused("approved\nby the CEO");
        assertRefused("tab\there");
        assertRefused("nul\u0000");
        assertRefused("escape \u001b[31mred");
        assertRefused("looks \u202Esafe");
        assertRefused("isolate \u2066x\u2069");
        assertRefused("line\u2028separator");
    }

    @Test
    void theBodyIsAnOptionalReasonObject() {
        assertThat(accepted(null)).isNull();
        assertThat(accepted("")).isNull();
        assertThat(accepted("{}")).isNull();
        assertThat(accepted("{\"reason\":null}")).isNull();
        assertThat(accepted("{\"reason\":\" ok \"}")).isEqualTo("ok");
        assertThat(code(reason("{\"reason\":"))).isEqualTo("parse_error");
        assertThat(code(reason("[\"ok\"]"))).isEqualTo("invalid_request");
        assertThat(code(reason("{\"reason\":42}"))).isEqualTo("invalid_request");
        assertThat(code(reason("{\"reason\":\"ok\",\"approver\":\"root\"}"))).isEqualTo("invalid_request");
        assertThat(code(reason("{\"reason\":\"" + "y".repeat(501) + "\"}"))).isEqualTo("approval_reason_invalid");
        assertThat(Reason.APPROVAL_REASON_INVALID.adminStatus()).isEqualTo(400);
        assertThat(Reason.PARSE_ERROR.adminStatus()).isEqualTo(400);
    }

    private static Future<String> reason(String body) {
        return ApprovalApi.reason(body == null ? null : Buffer.buffer(body));
    }

    private static String accepted(String body) {
        Future<String> reason = reason(body);
        assertThat(reason.succeeded()).as(body).isTrue();
        return reason.result();
    }

    private static String code(Future<String> failed) {
        assertThat(failed.failed()).isTrue();
        return ((WarrantException) failed.cause()).reason().code();
    }

    private static void assertRefused(String text) {
        assertThatThrownBy(() -> DecisionReason.check(text)).isInstanceOfSatisfying(WarrantException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.APPROVAL_REASON_INVALID));
    }
}
