package dev.warrant.gateway.record.search;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;

import java.time.Instant;

/**
 * What an investigator searches the audit log for; every filter that is set must match (null: any). Results come
 * newest first.
 *
 * @param caller      the line's {@code caller}
 * @param chainMember any agent of the line's delegation {@code chain}, or its {@code caller}
 * @param task        the line's {@code task}
 * @param tool        the line's {@code target} (a tool, resource or prompt as the gateway names it)
 * @param decision    allow, deny, error, ...
 * @param reason      the stable reason code ({@code allowed}, {@code not_permitted}, ...)
 * @param from        lines at or after this time
 * @param to          lines at or before this time
 * @param limit       at most this many lines per page, 1..{@value #MAX_LIMIT}
 * @param cursor      where the previous page stopped; null for the first page
 */
public record AuditQuery(String caller, String chainMember, String task, String tool, String decision,
                         String reason, Instant from, Instant to, int limit, AuditCursor cursor) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;
    /** Longer filter values cannot be an agent, task, tool or code: refused rather than searched for. */
    public static final int MAX_VALUE_LENGTH = 256;

    public AuditQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw invalid("limit must be 1.." + MAX_LIMIT);
        }
        caller = value("caller", caller);
        chainMember = value("chainMember", chainMember);
        task = value("task", task);
        tool = value("tool", tool);
        decision = value("decision", decision);
        reason = value("reason", reason);
        if (from != null && to != null && from.isAfter(to)) {
            throw invalid("from is after to");
        }
    }

    /** Every line, newest first, {@code limit} per page. */
    public static AuditQuery newest(int limit) {
        return new AuditQuery(null, null, null, null, null, null, null, null, limit, null);
    }

    public AuditQuery withCaller(String v) {
        return new AuditQuery(v, chainMember, task, tool, decision, reason, from, to, limit, cursor);
    }

    public AuditQuery withChainMember(String v) {
        return new AuditQuery(caller, v, task, tool, decision, reason, from, to, limit, cursor);
    }

    public AuditQuery withTask(String v) {
        return new AuditQuery(caller, chainMember, v, tool, decision, reason, from, to, limit, cursor);
    }

    public AuditQuery withTool(String v) {
        return new AuditQuery(caller, chainMember, task, v, decision, reason, from, to, limit, cursor);
    }

    public AuditQuery withDecision(String v) {
        return new AuditQuery(caller, chainMember, task, tool, v, reason, from, to, limit, cursor);
    }

    public AuditQuery withReason(String v) {
        return new AuditQuery(caller, chainMember, task, tool, decision, v, from, to, limit, cursor);
    }

    public AuditQuery between(Instant f, Instant t) {
        return new AuditQuery(caller, chainMember, task, tool, decision, reason, f, t, limit, cursor);
    }

    /** The next page of this query. */
    public AuditQuery after(AuditCursor c) {
        return new AuditQuery(caller, chainMember, task, tool, decision, reason, from, to, limit, c);
    }

    private static String value(String name, String v) {
        if (v == null) {
            return null;
        }
        if (v.isEmpty() || v.length() > MAX_VALUE_LENGTH) {
            throw invalid(name + " must be 1.." + MAX_VALUE_LENGTH + " characters");
        }
        for (int i = 0; i < v.length(); i++) {
            if (Character.isISOControl(v.charAt(i))) {
                throw invalid(name + " holds a control character");
            }
        }
        return v;
    }

    static WarrantException invalid(String detail) {
        return WarrantException.of(Reason.AUDIT_QUERY_INVALID, detail);
    }
}
