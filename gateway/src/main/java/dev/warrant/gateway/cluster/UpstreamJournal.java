package dev.warrant.gateway.cluster;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This member's journal of the upstream registry: one JSON line per registration or removal it learned, in
 * {@code <dir>/upstreams.jsonl}. Append-only rather than a snapshot replaced on every change: an append is one
 * write (kill -9 safe once written, durable after {@link #sync}) where a snapshot would cost a file write, an
 * fsync, a rename and a directory fsync per change; the file is compacted to one state per name on every start
 * ({@link #rewrite}), and registrations are rare, so it stays small. A torn last line (a crash mid-append, never
 * acknowledged) is skipped on load.
 *
 * <p>Concurrency: callers serialize appends and rewrites (UpstreamLedger's lock); {@link #sync} may run on any
 * thread at any time.
 */
final class UpstreamJournal implements AutoCloseable {

    static final String FILE = "upstreams.jsonl";

    private final JsonLinesJournal file;

    UpstreamJournal(Path dir) {
        this.file = new JsonLinesJournal(dir, FILE, "upstream");
    }

    /** The file folded by the last-writer-wins rule: name to state. */
    Map<String, UpstreamState> load() {
        Map<String, UpstreamState> out = new HashMap<>();
        for (String line : file.lines()) {
            Object entry = parse(line);
            if (entry instanceof UpstreamRegistration r) {
                out.merge(r.name(), UpstreamState.UNKNOWN.with(r), UpstreamState::merge);
            } else if (entry instanceof UpstreamRemoval t) {
                out.merge(t.name(), UpstreamState.UNKNOWN.with(t), UpstreamState::merge);
            }
        }
        return out;
    }

    void append(UpstreamRegistration r) {
        file.append(toJson(r));
    }

    void append(UpstreamRemoval t) {
        file.append(toJson(t));
    }

    /** Forces every line appended so far to stable storage; any thread, any time (see JsonLinesJournal#sync). */
    void sync() {
        file.sync();
    }

    /** Replaces the file by exactly these states (fsync'd, then renamed over the old file). */
    void rewrite(Collection<UpstreamState> states) {
        List<JsonObject> entries = new ArrayList<>();
        for (UpstreamState s : states) {
            if (s.registration() != null) {
                entries.add(toJson(s.registration()));
            }
            if (s.removal() != null) {
                entries.add(toJson(s.removal()));
            }
        }
        file.rewrite(entries);
    }

    @Override
    public void close() {
        file.close();
    }

    static JsonObject toJson(UpstreamRegistration r) {
        return new JsonObject().put("type", "registration").put("name", r.name()).put("url", r.url())
                .put("headers", new JsonObject(Map.copyOf(r.headers()))).put("timeoutMillis", r.timeoutMillis())
                .put("registeredBy", r.registeredBy()).put("at", r.registeredAtMillis()).put("id", r.id());
    }

    static JsonObject toJson(UpstreamRemoval t) {
        return new JsonObject().put("type", "removal").put("name", t.name()).put("at", t.removedAtMillis())
                .put("registrationId", t.registrationId());
    }

    /** A registration, a removal, or null for a torn or foreign line. */
    static Object parse(String line) {
        try {
            JsonObject o = new JsonObject(line);
            return switch (o.getString("type", "")) {
                case "registration" -> {
                    Map<String, String> headers = new HashMap<>();
                    o.getJsonObject("headers", new JsonObject()).forEach(e -> headers.put(e.getKey(), (String) e.getValue()));
                    yield new UpstreamRegistration(o.getString("name"), o.getString("url"), headers,
                            o.getLong("timeoutMillis"), o.getString("registeredBy"), o.getLong("at"), o.getString("id"));
                }
                case "removal" -> new UpstreamRemoval(o.getString("name"), o.getLong("at"), o.getString("registrationId"));
                default -> null;
            };
        } catch (DecodeException | IllegalArgumentException | NullPointerException | ClassCastException e) {
            return null; // never acknowledged: skip it
        }
    }
}
