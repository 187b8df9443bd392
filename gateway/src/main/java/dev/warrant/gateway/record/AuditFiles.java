package dev.warrant.gateway.record;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads an audit log with its rotated files, oldest first: {@code audit.log.N}, ..., {@code audit.log.1},
 * {@code audit.log}. A partial last line (a write cut short by a crash) is skipped, never misread.
 */
public final class AuditFiles {

    private AuditFiles() {
    }

    /** True for a checkpoint line (docs/ARCHITECTURE.md §8.1), which records no call: readers of decisions skip it. */
    public static boolean isCheckpoint(String line) {
        // The first "decision" of a line is its own: only seq, member, prev and time precede it, none of them free text.
        int at = line.indexOf(DECISION);
        return at >= 0 && line.startsWith("checkpoint\"", at + DECISION.length());
    }

    private static final String DECISION = "\"decision\":\"";

    /** The existing files of the log, oldest first. */
    public static List<Path> oldestFirst(Path live) {
        List<Path> files = new ArrayList<>();
        for (int n = 1; ; n++) {
            Path rotated = live.resolveSibling(live.getFileName() + "." + n);
            if (!Files.exists(rotated)) {
                break;
            }
            files.add(0, rotated);
        }
        if (Files.exists(live)) {
            files.add(live);
        }
        return files;
    }

    /** Every complete line of the log, oldest first. */
    public static void forEachLine(Path live, Consumer<String> line) {
        forEachLine(live, Long.MAX_VALUE, line);
    }

    /**
     * Every complete line of the log, oldest first, reading the live file only up to {@code liveLimit} bytes
     * (so a follower can continue exactly where this read stopped, losing and repeating nothing).
     */
    public static void forEachLine(Path live, long liveLimit, Consumer<String> line) {
        for (Path file : oldestFirst(live)) {
            long limit = file.equals(live) ? liveLimit : Long.MAX_VALUE;
            try (InputStream in = Files.newInputStream(file);
                 BufferedReader reader = new BufferedReader(new InputStreamReader(bounded(in, limit), StandardCharsets.UTF_8))) {
                String l;
                while ((l = reader.readLine()) != null) {
                    if (l.endsWith("}")) {
                        line.accept(l);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read audit file " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private static InputStream bounded(InputStream in, long limit) {
        return new FilterInputStream(in) {
            private long left = limit;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = super.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = super.read(buf, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }
        };
    }
}
