package dev.warrant.gateway.record.search;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * One page of a cluster-wide search, newest first across members ({@link ClusterAuditSearch}).
 *
 * @param lines      the matching lines of every member; each names its {@code member}
 * @param nextCursor where the next page continues; null when every member's matching lines have been shown
 * @param partial    a member did not answer (or has left), or stopped at its budget: follow {@code nextCursor}
 * @param members    the members asked for this page, and whether each answered
 */
public record ClusterAuditPage(List<AuditEntry> lines, ClusterCursor nextCursor, boolean partial,
                               List<Member> members) {

    /** A member asked; {@code address} null for a member of the search that is no longer in the cluster. */
    public record Member(String id, String address, boolean answered) {
    }

    public ClusterAuditPage {
        lines = List.copyOf(lines);
        members = List.copyOf(members);
    }

    /** Members that did not answer this page: their lines are missing from it. */
    public List<Member> unanswered() {
        return members.stream().filter(m -> !m.answered()).toList();
    }

    /** {@code {"lines": [...], "nextCursor": ..., "partial": bool, "members": [{id, address, answered}]}} */
    public JsonObject toJson() {
        JsonArray items = new JsonArray();
        lines.forEach(l -> items.add(l.toJson()));
        JsonArray asked = new JsonArray();
        members.forEach(m -> asked.add(new JsonObject().put("id", m.id()).put("address", m.address())
                .put("answered", m.answered())));
        return new JsonObject().put("lines", items)
                .put("nextCursor", nextCursor == null ? null : nextCursor.encode())
                .put("partial", partial).put("members", asked);
    }
}
