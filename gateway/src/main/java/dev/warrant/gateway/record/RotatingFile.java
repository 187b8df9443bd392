package dev.warrant.gateway.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only file rotated by size: {@code audit.log} -> {@code audit.log.1} -> ... -> {@code audit.log.N},
 * the oldest deleted. A batch of whole lines is never split across two files.
 *
 * <p>A file rotated out is forced to disk and closed by a thread of its own ({@code warrant-audit-sync}), not
 * by the writer, where a force held up every answer waiting for its line (docs/PERFORMANCE-HISTORY.md). Nothing
 * is promised weaker: an allowed call's line is promised to the OS (which the rename does not change), a
 * denial's is forced when written, and {@link #close()} waits for the rotated files' forces.
 *
 * <p>Concurrency: not thread-safe; owned by the audit writer thread.
 */
final class RotatingFile implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RotatingFile.class);

    private final Path file;
    private final AuditSettings settings;
    private final ExecutorService rotatedOut = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "warrant-audit-sync");
        t.setDaemon(true);
        return t;
    });
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
        // Shift .N-1 -> .N ... live -> .1; the old channel stays open on its file (renames keep the inode)
        // until its own thread has forced and closed it.
        FileChannel old = channel;
        rotatedOut.execute(() -> forceAndClose(old));
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

    private static void forceAndClose(FileChannel rotated) {
        try (rotated) {
            rotated.force(true);
        } catch (IOException e) {
            LOG.error("could not force a rotated audit file to disk: {}", e.toString());
        }
    }

    @Override
    public void close() throws IOException {
        channel.force(true);
        channel.close();
        rotatedOut.shutdown();
        try {
            if (!rotatedOut.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.error("rotated audit files not yet forced to disk after 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
