package dev.warrant.gateway.record.search;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * One page of a search, newest first.
 *
 * @param lines      the matching lines
 * @param nextCursor where the next page continues; null when the search reached the oldest line it could match
 * @param partial    true when the scan stopped at its budget ({@link SearchBudget}) before filling the page:
 *                   fewer lines than the limit does not mean there are no more (follow {@code nextCursor})
 * @param scannedBytes how much of the log this page read
 * @param resumes    for each line, where a search continues with the lines older than it: a merge of several
 *                   members' pages that takes only some of this page's lines resumes there (not in the JSON)
 */
public record AuditPage(List<AuditEntry> lines, AuditCursor nextCursor, boolean partial, long scannedBytes,
                        List<AuditCursor> resumes) {

    public AuditPage {
        lines = List.copyOf(lines);
        resumes = List.copyOf(resumes);
        if (resumes.size() != lines.size()) {
            throw new IllegalArgumentException("one resume cursor per line");
        }
    }

    /** {@code {"lines": [...], "nextCursor": "..." | null, "partial": bool}} */
    public JsonObject toJson() {
        JsonArray items = new JsonArray();
        lines.forEach(l -> items.add(l.toJson()));
        return new JsonObject().put("lines", items)
                .put("nextCursor", nextCursor == null ? null : nextCursor.encode())
                .put("partial", partial);
    }
}
