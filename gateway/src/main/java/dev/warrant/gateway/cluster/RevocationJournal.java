package dev.warrant.gateway.cluster;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * This member's write-ahead journal of revocations: one JSON line per entry in {@code <dir>/revocations.jsonl}.
 * Every member appends an entry before it acknowledges it (so kill -9 loses nothing: the line is in the page
 * cache); {@link #sync} forces it to stable storage — on the member that answers the revoke before it answers,
 * on the others a few milliseconds later (see ClusterRevocations). A torn last line (a crash mid-append, never
 * acknowledged) is skipped on load. {@link #rewrite} compacts the file to the live entries through an atomic rename.
 *
 * <p>Concurrency: callers serialize appends and rewrites (ClusterRevocations holds one lock around index-add +
 * append); {@link #sync} may run on any thread at any time.
 */
final class RevocationJournal implements AutoCloseable {

    static final String FILE = "revocations.jsonl";

    private final JsonLinesJournal file;
    private long lines;

    RevocationJournal(Path dir) {
        this.file = new JsonLinesJournal(dir, FILE, "revocation");
    }

    /** Every well-formed entry in the file, oldest first, including expired ones. */
    List<Revocation> load() {
        List<Revocation> out = new ArrayList<>();
        for (String line : file.lines()) {
            lines++;
            Revocation r = parse(line);
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * Writes the entry's line (into the OS page cache: it survives this process being killed, not a power loss
     * until {@link #sync} ran). Callers serialize appends.
     */
    void append(Revocation r) {
        file.append(toJson(r));
        lines++;
    }

    /** Forces every line appended so far to stable storage; any thread, any time (see JsonLinesJournal#sync). */
    void sync() {
        file.sync();
    }

    long lines() {
        return lines;
    }

    /** Replaces the file by exactly these entries (fsync'd, then renamed over the old file). */
    void rewrite(Collection<Revocation> live) {
        file.rewrite(live.stream().map(RevocationJournal::toJson).toList());
        lines = live.size();
    }

    @Override
    public void close() {
        file.close();
    }

    static JsonObject toJson(Revocation r) {
        JsonObject o = new JsonObject().put("kind", r.kind().name()).put("subject", r.subject())
                .put("revokedAt", r.revokedAtMillis()).put("expiresAt", r.expiresAtMillis()).put("reason", r.reason());
        if (r.issuedBeforeMillis() != Revocation.ALL) {
            o.put("issuedBefore", r.issuedBeforeMillis());
        }
        return o;
    }

    private static Revocation parse(String line) {
        try {
            JsonObject o = new JsonObject(line);
            return new Revocation(Revocation.Kind.valueOf(o.getString("kind")), o.getString("subject"),
                    o.getLong("issuedBefore", Revocation.ALL), o.getLong("revokedAt"), o.getLong("expiresAt"),
                    o.getString("reason", ""));
        } catch (DecodeException | IllegalArgumentException | NullPointerException | ClassCastException e) {
            return null; // a torn or foreign line: never acknowledged, skip it
        }
    }
}
