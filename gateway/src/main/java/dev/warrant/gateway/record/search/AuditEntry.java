package dev.warrant.gateway.record.search;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One audit line found by a search, with the fields an investigator reads (names as in the line,
 * docs/ARCHITECTURE.md §8). {@code traceId} leads to the call's trace; {@code chain} is its delegation chain, root
 * first; {@code revocationIds} are what a revocation of one of its blocks would name.
 */
public record AuditEntry(long seq, String member, Instant time, String decision, String reason, String policy,
                         String caller, List<String> chain, String task, String method, String target,
                         String riskTier, String approvalId, String approver, String approverReason,
                         List<String> revocationIds, String traceId, String sessionId, String argumentDigest,
                         Long latencyMicros, String correlationId) {

    public AuditEntry {
        chain = List.copyOf(chain);
        revocationIds = List.copyOf(revocationIds);
    }

    /** The entry of a parsed line; throws on a line that is not an audit record (no time, wrong types). */
    static AuditEntry of(JsonObject line) {
        Number seq = line.getNumber("seq");
        return new AuditEntry(seq == null ? -1 : seq.longValue(), line.getString("member"),
                Instant.parse(line.getString("time")), line.getString("decision"), line.getString("reason"),
                line.getString("policy"), line.getString("caller"), strings(line.getJsonArray("chain")),
                line.getString("task"), line.getString("method"), line.getString("target"),
                line.getString("riskTier"), line.getString("approvalId"), line.getString("approver"),
                line.getString("approverReason"), strings(line.getJsonArray("revocationIds")),
                line.getString("traceId"), line.getString("sessionId"), line.getString("argumentDigest"),
                line.getLong("latencyMicros"), line.getString("correlationId"));
    }

    private static List<String> strings(JsonArray array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            for (int i = 0; i < array.size(); i++) {
                out.add(array.getString(i));
            }
        }
        return out;
    }

    /** The same fields as JSON, absent values as null; {@code seq} is -1 for a line from before the chain. */
    public JsonObject toJson() {
        return new JsonObject()
                .put("seq", seq).put("member", member).put("time", time.toString())
                .put("decision", decision).put("reason", reason).put("policy", policy)
                .put("caller", caller).put("chain", new JsonArray(new ArrayList<>(chain)))
                .put("task", task).put("method", method).put("target", target)
                .put("riskTier", riskTier).put("approvalId", approvalId).put("approver", approver)
                .put("approverReason", approverReason)
                .put("revocationIds", new JsonArray(new ArrayList<>(revocationIds)))
                .put("traceId", traceId).put("sessionId", sessionId).put("argumentDigest", argumentDigest)
                .put("latencyMicros", latencyMicros).put("correlationId", correlationId);
    }
}
