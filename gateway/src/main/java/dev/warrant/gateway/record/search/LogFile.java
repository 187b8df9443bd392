package dev.warrant.gateway.record.search;

import dev.warrant.gateway.crypto.Sha256;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;

/**
 * One audit file open for reading: its identity (a digest of its first line, which a rotation's rename does not
 * change) and its complete lines, read by byte range. The open channel keeps reading the same file even when a
 * rotation renames it meanwhile.
 *
 * <p>Concurrency: confined to the searching thread.
 */
final class LogFile implements AutoCloseable {

    static final int ID_BYTES = 16;
    /** A first line longer than this is hashed over its first bytes only: still unique (it begins with seq and prev). */
    private static final int ID_PREFIX = 64 * 1024;

    private final FileChannel channel;
    private final long end;
    private final byte[] id;
    private final Instant firstTime;

    private LogFile(FileChannel channel, long end, byte[] id, Instant firstTime) {
        this.channel = channel;
        this.end = end;
        this.id = id;
        this.firstTime = firstTime;
    }

    /** The file at {@code path}, or null when it does not exist (rotated away) or holds no complete line yet. */
    static LogFile open(Path path) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            long end = lastLineEnd(channel, channel.size());
            if (end == 0) {
                channel.close();
                return null;
            }
            byte[] head = read(channel, 0, (int) Math.min(end, ID_PREFIX));
            int firstLine = indexOf(head, (byte) '\n');
            return new LogFile(channel, end, digest(head, firstLine < 0 ? head.length : firstLine),
                    AuditSearch.timeOfLineAt(new String(head, StandardCharsets.ISO_8859_1), 0));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    byte[] id() {
        return id;
    }

    /** The time of the file's first line; null when it has none readable. */
    Instant firstTime() {
        return firstTime;
    }

    /** The end of the last complete line when the file was opened (a write in progress is not read). */
    long end() {
        return end;
    }

    /** True when a line begins at {@code offset} (or the file's complete lines end there). */
    boolean isLineBoundary(long offset) throws IOException {
        if (offset == 0) {
            return true;
        }
        if (offset > end) {
            return false;
        }
        return read(channel, offset - 1, 1)[0] == '\n';
    }

    /** The bytes in [from, from + length). */
    byte[] read(long from, int length) throws IOException {
        return read(channel, from, length);
    }

    private static byte[] read(FileChannel channel, long from, int length) throws IOException {
        byte[] bytes = new byte[length];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, from + buffer.position());
            if (n < 0) {
                return Arrays.copyOf(bytes, buffer.position());
            }
        }
        return bytes;
    }

    /** The offset just past the last line feed before {@code size}: 0 when there is none. */
    private static long lastLineEnd(FileChannel channel, long size) throws IOException {
        long to = size;
        while (to > 0) {
            long from = Math.max(0, to - 8192);
            byte[] chunk = read(channel, from, (int) (to - from));
            for (int i = chunk.length - 1; i >= 0; i--) {
                if (chunk[i] == '\n') {
                    return from + i + 1;
                }
            }
            to = from;
        }
        return 0;
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] digest(byte[] bytes, int length) {
        MessageDigest sha = Sha256.newDigest();
        sha.update(bytes, 0, length);
        return Arrays.copyOf(sha.digest(), ID_BYTES);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
