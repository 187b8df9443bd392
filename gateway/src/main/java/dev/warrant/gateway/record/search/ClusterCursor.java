package dev.warrant.gateway.record.search;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where the next page of a cluster-wide search continues, member by member ({@link ClusterAuditSearch}). Opaque to
 * clients: base64url of a small JSON document.
 *
 * @param resume the members still to search, by member id, each with its {@link AuditCursor} (encoded), or the
 *               empty string for "from its newest line" (a member that has not answered yet)
 * @param done   the members whose matching lines have all been shown
 */
public record ClusterCursor(Map<String, String> resume, Set<String> done) {

    private static final int VERSION = 1;
    /** A cursor names each member once with a 34-character position: far below this for any real cluster. */
    private static final int MAX_ENCODED = 16 * 1024;
    private static final int MAX_MEMBER_ID = 64;

    public ClusterCursor {
        resume = new TreeMap<>(resume);
        done = new TreeSet<>(done);
    }

    /** Whether {@code member} takes part in this page: members that joined after the search began do not. */
    boolean names(String member) {
        return resume.containsKey(member) || done.contains(member);
    }

    public String encode() {
        JsonObject json = new JsonObject().put("v", VERSION).put("r", new JsonObject(new TreeMap<>(resume)))
                .put("d", new JsonArray(done.stream().toList()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor {@code text} encodes; anything else is {@code audit_cursor_invalid}. */
    public static ClusterCursor decode(String text) {
        try {
            if (text == null || text.length() > MAX_ENCODED) {
                throw new IllegalArgumentException();
            }
            JsonObject json = new JsonObject(new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8));
            if (!Integer.valueOf(VERSION).equals(json.getValue("v"))) {
                throw new IllegalArgumentException();
            }
            Map<String, String> resume = new TreeMap<>();
            for (Map.Entry<String, Object> e : json.getJsonObject("r").getMap().entrySet()) {
                String position = (String) e.getValue();
                if (!position.isEmpty()) {
                    AuditCursor.decode(position);
                }
                resume.put(memberId(e.getKey()), position);
            }
            Set<String> done = new TreeSet<>();
            for (Object id : json.getJsonArray("d")) {
                done.add(memberId((String) id));
            }
            return new ClusterCursor(resume, done);
        } catch (IllegalArgumentException | ClassCastException | NullPointerException | DecodeException e) {
            throw AuditCursor.invalid("not a cursor of a cluster-wide search this gateway issued");
        }
    }

    private static String memberId(String id) {
        if (id.isEmpty() || id.length() > MAX_MEMBER_ID) {
            throw new IllegalArgumentException();
        }
        return id;
    }
}
