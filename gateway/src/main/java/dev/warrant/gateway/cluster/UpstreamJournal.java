package dev.warrant.gateway.cluster;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashMap;
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

    private final Path file;
    private volatile FileChannel channel;

    UpstreamJournal(Path dir) {
        try {
            Files.createDirectories(dir);
            this.file = dir.resolve(FILE);
            this.channel = open(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open upstream journal in " + dir, e);
        }
    }

    /** The file folded by the last-writer-wins rule: name to state. */
    Map<String, UpstreamState> load() {
        Map<String, UpstreamState> out = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                Object entry = parse(line);
                if (entry instanceof UpstreamRegistration r) {
                    out.merge(r.name(), UpstreamState.UNKNOWN.with(r), UpstreamState::merge);
                } else if (entry instanceof UpstreamRemoval t) {
                    out.merge(t.name(), UpstreamState.UNKNOWN.with(t), UpstreamState::merge);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return out;
    }

    void append(UpstreamRegistration r) {
        write(toJson(r));
    }

    void append(UpstreamRemoval t) {
        write(toJson(t));
    }

    private void write(JsonObject entry) {
        ByteBuffer buf = ByteBuffer.wrap((entry.encode() + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    /** Forces every line appended so far to stable storage (see RevocationJournal#sync for the closed channel). */
    void sync() {
        try {
            channel.force(false);
        } catch (ClosedChannelException replacedByRewrite) {
            // the rewritten file was forced before it replaced this one
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync " + file, e);
        }
    }

    /** Replaces the file by exactly these states (fsync'd, then renamed over the old file). */
    void rewrite(Collection<UpstreamState> states) {
        Path tmp = file.resolveSibling(FILE + ".tmp");
        StringBuilder sb = new StringBuilder();
        for (UpstreamState s : states) {
            if (s.registration() != null) {
                sb.append(toJson(s.registration()).encode()).append('\n');
            }
            if (s.removal() != null) {
                sb.append(toJson(s.removal()).encode()).append('\n');
            }
        }
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
                out.force(true);
            }
            channel.close();
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel d = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                d.force(true); // makes the rename durable
            } catch (IOException ignored) {
                // not every platform lets a directory be opened: best effort
            }
            channel = open(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compact " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // every acknowledged line was already forced to disk
        }
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
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
