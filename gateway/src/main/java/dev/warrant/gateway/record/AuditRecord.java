package dev.warrant.gateway.record;

import java.time.Instant;
import java.util.List;

/**
 * One line of the audit log: who did what, with which authority, and what Warrant decided. Never holds the
 * token or raw argument values (only a digest of the arguments).
 */
public record AuditRecord(Instant time, String decision, String reason, String caller, List<String> chain,
                          String task, String method, String target, String argumentDigest,
                          List<String> revocationIds, String traceId, String sessionId, long latencyMicros) {
}
