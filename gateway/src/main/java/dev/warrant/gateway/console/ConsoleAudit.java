package dev.warrant.gateway.console;

import dev.warrant.gateway.record.AuditRecord;
import dev.warrant.gateway.record.AuditSink;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Console actions in the audit log, next to the calls they act on: method {@code console/<action>}, the operator
 * as caller (with their token's chain and revocation ids), the target acted on. Never the token.
 */
final class ConsoleAudit {

    private final AuditSink audit;
    private final Clock clock;

    ConsoleAudit(AuditSink audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    /** An operator's action; {@code approvalId} set for approval decisions (synced before the answer, like them). */
    CompletionStage<Void> action(Operator op, String action, String target, String decision, String reason,
                                 String approvalId) {
        return audit.record(new AuditRecord(clock.instant(), decision, reason, op.name(), op.token().chain(),
                op.token().task().orElse(null), "console/" + action, target, null, null, approvalId,
                approvalId == null ? null : op.name(), op.token().revocationIds(), null, null, 0, null));
    }

    /** A refused sign-in: nobody is known yet, only why it failed. */
    CompletionStage<Void> refusedSignIn(String reason) {
        return refused("sign-in", reason);
    }

    /** A refused {@code action} by nobody known (a sign-in, a renewal the IdP refused): only why it failed. */
    CompletionStage<Void> refused(String action, String reason) {
        return audit.record(new AuditRecord(clock.instant(), "deny", reason, null, List.of(), null,
                "console/" + action, null, null, null, null, null, List.of(), null, null, 0, null));
    }
}
