package dev.warrant.gateway.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An append-only file rotated by size: {@code audit.log} -> {@code audit.log.1} -> ... -> {@code audit.log.N},
 * the oldest deleted. A batch of whole lines is never split across two files.
 *
 * <p>Concurrency: not thread-safe; owned by the audit writer thread.
 */
final class RotatingFile implements AutoCloseable {

    private final Path file;
    private final AuditSettings settings;
    private FileChannel channel;
    private long size;

    RotatingFile(Path file, AuditSettings settings) throws IOException {
        this.file = file.toAbsolutePath();
        this.settings = settings;
        Files.createDirectories(this.file.getParent());
        open();
    }

    /** Appends whole lines, rotating first when they would push the live file past the limit. */
    void append(ByteBuffer lines) throws IOException {
        if (size > 0 && size + lines.remaining() > settings.maxFileBytes()) {
            rotate();
        }
        while (lines.hasRemaining()) {
            size += channel.write(lines);
        }
    }

    /** Forces written data to stable storage (fsync without metadata: the file size is data for appends). */
    void sync() throws IOException {
        channel.force(false);
    }

    private void rotate() throws IOException {
        // The lines already written must survive the rename; then shift .N-1 -> .N ... live -> .1.
        channel.force(true);
        channel.close();
        Files.deleteIfExists(rotated(settings.maxFiles()));
        for (int i = settings.maxFiles() - 1; i >= 1; i--) {
            Path from = rotated(i);
            if (Files.exists(from)) {
                Files.move(from, rotated(i + 1), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Files.move(file, rotated(1), StandardCopyOption.ATOMIC_MOVE);
        open();
    }

    private Path rotated(int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    private void open() throws IOException {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        size = channel.size();
    }

    @Override
    public void close() throws IOException {
        channel.force(true);
        channel.close();
    }
}
