package dev.warrant.gateway.cluster;

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
import java.util.List;

/**
 * The file mechanics the cluster's journals share (revocations, upstream registrations): one JSON object per
 * line, appended into the OS page cache (so kill -9 of this process loses nothing once written), forced to stable
 * storage by {@link #sync}, and compacted by {@link #rewrite} through an fsync'd temporary file, an atomic rename
 * and a directory fsync. What a line means is the owning journal's business.
 *
 * <p>Concurrency: callers serialize appends and rewrites; {@link #sync} may run on any thread at any time.
 */
final class JsonLinesJournal implements AutoCloseable {

    private final Path file;
    private volatile FileChannel channel;

    /** Opens (creating if need be) {@code <dir>/<name>}; {@code what} names the journal in error messages. */
    JsonLinesJournal(Path dir, String name, String what) {
        try {
            Files.createDirectories(dir);
            this.file = dir.resolve(name);
            this.channel = open(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + what + " journal in " + dir, e);
        }
    }

    /** Every line in the file, oldest first, torn or not: the caller's parser skips what it cannot read. */
    List<String> lines() {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Writes the entry's line (page cache: survives this process being killed, not a power loss until sync). */
    void append(JsonObject entry) {
        ByteBuffer buf = ByteBuffer.wrap((entry.encode() + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
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

    /** Replaces the file by exactly these entries (fsync'd, then renamed over the old file). */
    void rewrite(List<JsonObject> entries) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        StringBuilder sb = new StringBuilder();
        for (JsonObject entry : entries) {
            sb.append(entry.encode()).append('\n');
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
            syncDirectory(file.getParent());
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
}
