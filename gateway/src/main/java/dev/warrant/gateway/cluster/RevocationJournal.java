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

    private final Path file;
    private volatile FileChannel channel;
    private long lines;

    RevocationJournal(Path dir) {
        try {
            Files.createDirectories(dir);
            this.file = dir.resolve(FILE);
            this.channel = open(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open revocation journal in " + dir, e);
        }
    }

    /** Every well-formed entry in the file, oldest first, including expired ones. */
    List<Revocation> load() {
        List<Revocation> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lines++;
                Revocation r = parse(line);
                if (r != null) {
                    out.add(r);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return out;
    }

    /**
     * Writes the entry's line (into the OS page cache: it survives this process being killed, not a power loss
     * until {@link #sync} ran). Callers serialize appends.
     */
    void append(Revocation r) {
        byte[] line = (toJson(r).encode() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            lines++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    /**
     * Forces every line appended so far to stable storage. Safe without the append lock (FileChannel is
     * thread-safe); if a concurrent {@link #rewrite} closed the channel, the rewrite itself was forced and
     * holds every entry appended before it, so there is nothing left to do.
     */
    void sync() {
        FileChannel current = channel;
        try {
            current.force(false);
        } catch (ClosedChannelException replacedByRewrite) {
            // the rewritten file was forced before it replaced this one
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync " + file, e);
        }
    }

    long lines() {
        return lines;
    }

    /** Replaces the file by exactly these entries (fsync'd, then renamed over the old file). */
    void rewrite(Collection<Revocation> live) {
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try {
            StringBuilder sb = new StringBuilder();
            for (Revocation r : live) {
                sb.append(toJson(r).encode()).append('\n');
            }
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
            syncDirectory(file.getParent());
            channel = open(file);
            lines = live.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compact " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Every acknowledged line was already forced to disk.
        }
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    private static void syncDirectory(Path dir) {
        // Makes the rename durable; not every platform lets a directory be opened, and then there is nothing to do.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // best effort
        }
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
