package dev.warrant.gateway.record.search;

import dev.warrant.gateway.cluster.MemberViews;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An audit search over every member's log (docs/ARCHITECTURE.md §8.2): each member searches its own files for one
 * page ({@link AuditSearch}), the member asked merges the pages newest first, and the cursor keeps, member by
 * member, where the next page continues: after the last line of that member it showed. A member that does not
 * answer within the wait is named and the page is partial; it is asked again on the next page, from where it
 * stood. Members that join after a search began take no part in its later pages.
 *
 * <p>Blocking ({@link #search} waits for the members): call it on the search thread, never an event loop.
 */
public final class ClusterAuditSearch {

    static final String VIEW = "audit-search";

    private final MemberViews views;
    private final Duration wait;

    /** Registers this member's part (its own log, searched by {@code local}) and asks the others for theirs. */
    public ClusterAuditSearch(MemberViews views, AuditSearch local, SearchBudget budget) {
        this.views = views;
        // A member's page stops at its budget's time; the rest is the round trip.
        this.wait = budget.maxTime().plus(Duration.ofSeconds(2));
        views.register(VIEW, question -> answer(local, (String) question).encode());
    }

    /** One merged page of {@code query} ({@code query.cursor()} is ignored); {@code cursor} null for the first. */
    public ClusterAuditPage search(AuditQuery query, ClusterCursor cursor) {
        JsonObject question = new JsonObject().put("query", toJson(query))
                .put("cursor", cursor == null ? null : cursor.encode());
        List<Part> parts = new ArrayList<>();
        List<ClusterAuditPage.Member> members = new ArrayList<>();
        for (MemberViews.Answer a : views.ask(VIEW, question.encode(), wait)) {
            JsonObject json = a.json().map(JsonObject::new).orElse(null);
            boolean takesPart = cursor == null || cursor.resume().containsKey(a.memberId());
            if (!takesPart || json != null && json.getBoolean("skipped", false)) {
                continue; // done, or joined after the search began
            }
            members.add(new ClusterAuditPage.Member(a.memberId(), a.address(), json != null));
            parts.add(new Part(a.memberId(), json));
        }
        return merge(query.limit(), cursor, parts, members);
    }

    /** This member's part: a page of its own log from where the cursor says it stands, or "skipped". */
    private JsonObject answer(AuditSearch local, String question) {
        JsonObject q = new JsonObject(question);
        AuditQuery query = fromJson(q.getJsonObject("query"));
        String self = views.localMemberId();
        if (q.getString("cursor") != null) {
            ClusterCursor cursor = ClusterCursor.decode(q.getString("cursor"));
            String position = cursor.resume().get(self);
            if (position == null) {
                return new JsonObject().put("skipped", true); // done, or joined after the search began
            }
            query = query.after(position.isEmpty() ? null : AuditCursor.decode(position));
        }
        AuditPage page;
        try {
            page = local.search(query);
        } catch (WarrantException e) {
            // Its file rotated away under the cursor: nothing more from this member.
            return new JsonObject().put("lines", new JsonArray()).put("resumes", new JsonArray())
                    .put("next", null).put("partial", false).put("lost", e.reason().code());
        }
        JsonArray lines = new JsonArray();
        page.lines().forEach(l -> lines.add(l.toJson()));
        JsonArray resumes = new JsonArray();
        page.resumes().forEach(c -> resumes.add(c.encode()));
        return new JsonObject().put("lines", lines).put("resumes", resumes)
                .put("next", page.nextCursor() == null ? null : page.nextCursor().encode())
                .put("partial", page.partial());
    }

    /** One member's page as it answered (null: it did not answer in time). */
    record Part(String member, JsonObject json) {
        int size() {
            return json == null ? 0 : json.getJsonArray("lines").size();
        }

        Instant time(int i) {
            return Instant.parse(json.getJsonArray("lines").getJsonObject(i).getString("time"));
        }
    }

    /**
     * The newest {@code limit} lines of all parts, each part's own order kept (a k-way merge by time); then where
     * every member stands.
     */
    static ClusterAuditPage merge(int limit, ClusterCursor previous, List<Part> parts,
                                  List<ClusterAuditPage.Member> members) {
        int[] taken = new int[parts.size()];
        List<AuditEntry> lines = new ArrayList<>();
        while (lines.size() < limit) {
            int best = -1;
            for (int p = 0; p < parts.size(); p++) {
                if (taken[p] < parts.get(p).size() && (best < 0
                        || parts.get(p).time(taken[p]).isAfter(parts.get(best).time(taken[best])))) {
                    best = p;
                }
            }
            if (best < 0) {
                break;
            }
            lines.add(AuditEntry.of(parts.get(best).json().getJsonArray("lines").getJsonObject(taken[best])));
            taken[best]++;
        }
        Map<String, String> resume = new TreeMap<>();
        Set<String> done = new TreeSet<>(previous == null ? Set.of() : previous.done());
        boolean partial = false;
        for (int p = 0; p < parts.size(); p++) {
            Part part = parts.get(p);
            String before = previous == null ? "" : previous.resume().get(part.member());
            if (part.json() == null) {
                resume.put(part.member(), before); // asked again next time, from where it stood
                partial = true;
                continue;
            }
            partial |= part.json().getBoolean("partial", false);
            JsonArray resumes = part.json().getJsonArray("resumes");
            if (taken[p] < part.size()) {
                resume.put(part.member(), taken[p] == 0 ? before : resumes.getString(taken[p] - 1));
            } else if (part.json().getString("next") != null) {
                resume.put(part.member(), part.json().getString("next"));
            } else {
                done.add(part.member());
            }
        }
        if (previous != null) {
            // A member of this search that is not in the cluster now: kept, and the page says so.
            for (Map.Entry<String, String> e : previous.resume().entrySet()) {
                if (parts.stream().noneMatch(p -> p.member().equals(e.getKey()))) {
                    resume.put(e.getKey(), e.getValue());
                    members.add(new ClusterAuditPage.Member(e.getKey(), null, false));
                    partial = true;
                }
            }
        }
        ClusterCursor next = resume.isEmpty() ? null : new ClusterCursor(resume, done);
        return new ClusterAuditPage(lines, next, partial, members);
    }

    private static JsonObject toJson(AuditQuery q) {
        return new JsonObject().put("caller", q.caller()).put("chainMember", q.chainMember()).put("task", q.task())
                .put("tool", q.tool()).put("decision", q.decision()).put("reason", q.reason())
                .put("from", q.from() == null ? null : q.from().toString())
                .put("to", q.to() == null ? null : q.to().toString()).put("limit", q.limit());
    }

    private static AuditQuery fromJson(JsonObject j) {
        return new AuditQuery(j.getString("caller"), j.getString("chainMember"), j.getString("task"),
                j.getString("tool"), j.getString("decision"), j.getString("reason"),
                j.getString("from") == null ? null : Instant.parse(j.getString("from")),
                j.getString("to") == null ? null : Instant.parse(j.getString("to")), j.getInteger("limit"), null);
    }
}
