package dev.warrant.gateway.record.search;

import io.vertx.core.MultiMap;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * {@code GET /admin/audit}'s query string as an {@link AuditQuery}. An empty parameter is no filter (a form's
 * blank field); an unknown or repeated parameter, a bad time or limit is {@code audit_query_invalid}, a bad
 * cursor {@code audit_cursor_invalid}: a typo never silently widens a search.
 */
public final class AuditQueryParams {

    private static final Set<String> NAMES = Set.of("caller", "chainMember", "task", "tool", "decision", "reason",
            "from", "to", "limit", "cursor", "scope");

    /** A cluster-wide search's query, and where its next page continues (null for the first). */
    public record ClusterQuery(AuditQuery query, ClusterCursor cursor) {
    }

    private AuditQueryParams() {
    }

    /** A search of this member's log ({@code scope} absent or {@code member}). */
    public static AuditQuery parse(MultiMap params) {
        return parse(params, true);
    }

    /** {@code scope=cluster}: every member's log; the cursor is a {@link ClusterCursor}. */
    public static boolean cluster(MultiMap params) {
        String scope = params.get("scope");
        if (scope == null || scope.isEmpty() || scope.equals("member")) {
            return false;
        }
        if (scope.equals("cluster")) {
            return true;
        }
        throw AuditQuery.invalid("scope must be member or cluster");
    }

    public static ClusterQuery parseCluster(MultiMap params) {
        String cursor = value(params, "cursor");
        return new ClusterQuery(parse(params, false), cursor == null ? null : ClusterCursor.decode(cursor));
    }

    private static AuditQuery parse(MultiMap params, boolean memberCursor) {
        for (String name : params.names()) {
            if (!NAMES.contains(name)) {
                throw AuditQuery.invalid("unknown parameter " + name);
            }
            if (params.getAll(name).size() > 1) {
                throw AuditQuery.invalid(name + " given more than once");
            }
        }
        String limit = value(params, "limit");
        String cursor = value(params, "cursor");
        return new AuditQuery(value(params, "caller"), value(params, "chainMember"), value(params, "task"),
                value(params, "tool"), value(params, "decision"), value(params, "reason"),
                time(params, "from"), time(params, "to"),
                limit == null ? AuditQuery.DEFAULT_LIMIT : limit(limit),
                cursor == null || !memberCursor ? null : AuditCursor.decode(cursor));
    }

    private static String value(MultiMap params, String name) {
        String v = params.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    private static Instant time(MultiMap params, String name) {
        String v = value(params, name);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw AuditQuery.invalid(name + " must be an ISO-8601 instant such as 2026-12-04T21:00:00Z");
        }
    }

    private static int limit(String v) {
        if (v.length() > 4 || !v.chars().allMatch(Character::isDigit)) {
            throw AuditQuery.invalid("limit must be 1.." + AuditQuery.MAX_LIMIT);
        }
        return Integer.parseInt(v);
    }
}
