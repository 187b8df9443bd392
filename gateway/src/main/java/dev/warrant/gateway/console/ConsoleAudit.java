package dev.warrant.gateway.console;

import dev.warrant.gateway.record.AuditRecord;
import dev.warrant.gateway.record.AuditSink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.util.List;

/**
 * Console actions in the audit log, next to the calls they act on: method {@code console/<action>}, the operator
 * as caller (with their token's chain and revocation ids), the target acted on. Never the token.
 *
 * <p>Each method's future completes, on the caller's context, once the line is as durable as the sink promises
 * for it (denials and approval decisions fsync'd): a console answer waits for it, as an agent's answer does, so
 * nothing an operator was told happened is missing from the log after a crash (docs/ARCHITECTURE.md §12.1).
 */
final class ConsoleAudit {

    private final Vertx vertx;
    private final AuditSink audit;
    private final Clock clock;

    ConsoleAudit(Vertx vertx, AuditSink audit, Clock clock) {
        this.vertx = vertx;
        this.audit = audit;
        this.clock = clock;
    }

    /** An operator's action; {@code approvalId} set for approval decisions. */
    Future<Void> action(Operator op, String action, String target, String decision, String reason,
                        String approvalId) {
        return written(new AuditRecord(clock.instant(), decision, reason, op.name(), op.token().chain(),
                op.token().task().orElse(null), "console/" + action, target, null, null, approvalId,
                approvalId == null ? null : op.name(), op.token().revocationIds(), null, null, 0, null));
    }

    /** A refused sign-in: nobody is known yet, only why it failed. */
    Future<Void> refusedSignIn(String reason) {
        return refused("sign-in", reason);
    }

    /** A refused {@code action} by nobody known (a sign-in, a renewal the IdP refused): only why it failed. */
    Future<Void> refused(String action, String reason) {
        return written(new AuditRecord(clock.instant(), "deny", reason, null, List.of(), null,
                "console/" + action, null, null, null, null, null, List.of(), null, null, 0, null));
    }

    private Future<Void> written(AuditRecord record) {
        return Future.fromCompletionStage(audit.record(record), vertx.getOrCreateContext());
    }
}
