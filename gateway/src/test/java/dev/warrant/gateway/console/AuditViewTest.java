package dev.warrant.gateway.console;

import dev.warrant.gateway.record.search.AuditEntry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** An audit row says who released or refused a held call, in their words, escaped. */
class AuditViewTest {

    private static AuditEntry held(String decision, String reason, String approverReason) {
        return new AuditEntry(7, "m-1", Instant.parse("2026-12-05T09:00:00Z"), decision, reason, null, "planner",
                List.of("planner"), null, "tools/call", "notes__write_note", "high", "a-1", "alice", approverReason,
                List.of("r1"), null, "s-1", "sha256:00", 12L, null);
    }

    @Test
    void aHeldCallsRowNamesWhoDecidedAndWhy() {
        assertThat(AuditView.row(held("deny", "approval_denied", "no <b>writes</b> today"), false, Optional.empty()))
                .contains("denied by alice: no &lt;b&gt;writes&lt;/b&gt; today").doesNotContain("<b>writes");
        assertThat(AuditView.row(held("allow", "allowed", null), false, Optional.empty()))
                .contains("approved by alice<").doesNotContain("alice:");
    }

    /** A search spans the cluster: each row names the member that wrote it, shortened, the whole id on hover. */
    @Test
    void aRowNamesItsMember() {
        AuditEntry e = held("allow", "allowed", null);
        AuditEntry fromMember = new AuditEntry(e.seq(), "83fcf596-ec20-4656-873c-1a1414e7e454", e.time(), e.decision(),
                e.reason(), e.policy(), e.caller(), e.chain(), e.task(), e.method(), e.target(), e.riskTier(),
                e.approvalId(), e.approver(), e.approverReason(), e.revocationIds(), e.traceId(), e.sessionId(),
                e.argumentDigest(), e.latencyMicros(), e.correlationId());
        assertThat(AuditView.row(fromMember, false, Optional.empty()))
                .contains("<small class=\"member\" title=\"83fcf596-ec20-4656-873c-1a1414e7e454\">member 83fcf596<");
    }
}
