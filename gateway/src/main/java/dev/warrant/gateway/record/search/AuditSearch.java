package dev.warrant.gateway.record.search;

import dev.warrant.gateway.record.AuditFiles;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Searches one member's audit log (the live file and its rotated predecessors), newest first, by streaming the
 * files backwards in blocks (docs/ARCHITECTURE.md §8.2, decision §11.36). Per block, the query's most selective
 * field is searched for in the raw bytes; only lines containing every filter's bytes are parsed and then compared
 * exactly. A time window's newer end is found by a binary search over byte offsets (lines are written in time
 * order), its older end stops the scan. Each page stops at the {@link SearchBudget} and says where to continue.
 *
 * <p>Blocking (file I/O): call it from a worker thread, never an event loop ({@link AuditSearchApi} does).
 * Concurrency: stateless between calls; any number of threads may search at once.
 */
public final class AuditSearch {

    /**
     * How far out of time order lines may be: a record's time is taken when its call ends, and records reach the
     * writer in the order they are handed off, so neighbours differ by milliseconds; a minute is a wide margin.
     */
    static final Duration TIME_SLACK = Duration.ofMinutes(1);
    /** Read per step: large enough that a read costs little per byte, small enough to stay in cache. */
    static final int BLOCK = 1 << 20;
    /** A "line" longer than this without a line feed is not an audit line: skipped, never buffered whole. */
    static final int MAX_LINE = 16 << 20;
    /** The time seek stops narrowing here and scans the rest. */
    private static final int SEEK_SPAN = 64 * 1024;
    private static final String TIME_FIELD = "\"time\":\"";

    private final Path live;
    private final SearchBudget budget;
    private final int block;

    /** @param live the live audit file ({@code audit.file}, by default {@code <stateDir>/audit.log}) */
    public AuditSearch(Path live, SearchBudget budget) {
        this(live, budget, BLOCK);
    }

    /** With another block size: tests read small files in many blocks. */
    AuditSearch(Path live, SearchBudget budget, int block) {
        this.live = live.toAbsolutePath();
        this.budget = budget;
        this.block = block;
    }

    /**
     * One page of {@code query}'s results, newest first. A cursor naming no file of this log, or no line
     * boundary in it, is refused with {@code audit_cursor_invalid}; a file that cannot be read throws
     * {@link UncheckedIOException}.
     */
    public AuditPage search(AuditQuery query) {
        try {
            return new Scan(query).run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit log " + live + ": " + e.getMessage(), e);
        }
    }

    /** The live file, then audit.log.1, .2, ...: newest first. */
    private Path file(int n) {
        return n == 0 ? live : live.resolveSibling(live.getFileName() + "." + n);
    }

    /** Why a file's scan ended. */
    private enum Stop { FILE_DONE, PAGE_FULL, BUDGET, OLDER_THAN_WINDOW }

    /** One page's scan: its results so far, its spending, where it stopped. */
    private final class Scan {
        private final AuditQuery query;
        private final LineMatcher matcher;
        private final String primary;
        private final long deadline;
        private final Instant newest;
        private final Instant oldest;
        private final List<AuditEntry> found = new ArrayList<>();
        /** Per found line: the cursor of the lines older than it (its own start). */
        private final List<AuditCursor> resumes = new ArrayList<>();
        private long scanned;
        /** Where the scan stopped inside the current file. */
        private long stoppedAt;

        Scan(AuditQuery query) {
            this.query = query;
            this.matcher = new LineMatcher(query);
            this.primary = matcher.primary();
            this.deadline = System.nanoTime() + budget.maxTime().toNanos();
            this.newest = query.to() == null ? null : query.to().plus(TIME_SLACK);
            this.oldest = query.from() == null ? null : query.from().minus(TIME_SLACK);
        }

        AuditPage run() throws IOException {
            // Newest first, and by the identity of each file's first line: a rotation during the walk renames
            // files one step older, so a name may show a file already seen (skipped), never skip one.
            List<byte[]> seen = new ArrayList<>();
            int n = 0;
            if (query.cursor() != null) {
                for (; ; n++) {
                    if (n > 0 && !exists(n)) {
                        throw AuditCursor.invalid("names no audit file of this member (rotated away, or another member's)");
                    }
                    try (LogFile f = LogFile.open(file(n))) {
                        if (f == null) {
                            continue;
                        }
                        seen.add(f.id());
                        if (query.cursor().names(f.id())) {
                            if (!f.isLineBoundary(query.cursor().offset())) {
                                throw AuditCursor.invalid("names no line boundary of its audit file");
                            }
                            Stop stop = scanFile(f, query.cursor().offset());
                            if (stop != Stop.FILE_DONE) {
                                return page(stop, f, n);
                            }
                            n++;
                            break;
                        }
                    }
                }
            }
            for (; n == 0 || exists(n); n++) {
                try (LogFile f = LogFile.open(file(n))) {
                    if (f == null || seen.stream().anyMatch(id -> Arrays.equals(id, f.id()))) {
                        continue;
                    }
                    seen.add(f.id());
                    Stop stop = scanFile(f, f.end());
                    if (stop != Stop.FILE_DONE) {
                        return page(stop, f, n);
                    }
                }
            }
            return new AuditPage(found, null, false, scanned, resumes);
        }

        /**
         * True while file {@code n} or the one after it exists: a rotation renames the files oldest first, so for a
         * moment one name in the middle is missing, and an older file is still to come.
         */
        private boolean exists(int n) {
            return java.nio.file.Files.exists(file(n)) || java.nio.file.Files.exists(file(n + 1));
        }

        private AuditPage page(Stop stop, LogFile f, int n) {
            if (stop == Stop.OLDER_THAN_WINDOW) {
                return new AuditPage(found, null, false, scanned, resumes);
            }
            // At a file's first line the next page starts with the older file, if there is one.
            boolean more = stoppedAt > 0 || exists(n + 1);
            AuditCursor next = more ? new AuditCursor(f.id(), stoppedAt) : null;
            return new AuditPage(found, next, stop == Stop.BUDGET && next != null, scanned, resumes);
        }

        /** Scans {@code f}'s lines that end at or before {@code end}, newest first. */
        private Stop scanFile(LogFile f, long end) throws IOException {
            long hi = newest == null ? end : seekNewest(f, end);
            while (hi > 0) {
                long lo;
                byte[] bytes;
                int first;
                int size = block;
                while (true) {
                    lo = Math.max(0, hi - size);
                    bytes = f.read(lo, (int) (hi - lo));
                    first = lo == 0 ? 0 : indexOf(bytes, (byte) '\n') + 1;
                    if (first > 0 || lo == 0 || size >= MAX_LINE) {
                        break;
                    }
                    size *= 2; // a line longer than the block: read more
                }
                scanned += bytes.length - first;
                String block = new String(bytes, StandardCharsets.ISO_8859_1);
                if (first == 0 && lo > 0) {
                    // No line feed in MAX_LINE bytes: not audit lines; step over them.
                    hi = lo;
                    continue;
                }
                if (scanBlock(f, bytes, block, first, lo)) {
                    return Stop.PAGE_FULL;
                }
                hi = lo + first;
                stoppedAt = hi;
                if (oldest != null) {
                    Instant t = timeOfLineAt(block, first);
                    if (t != null && t.isBefore(oldest)) {
                        return Stop.OLDER_THAN_WINDOW;
                    }
                }
                if (hi > 0 && (scanned >= budget.maxBytes() || System.nanoTime() > deadline)) {
                    return Stop.BUDGET;
                }
            }
            stoppedAt = 0;
            return (scanned >= budget.maxBytes() || System.nanoTime() > deadline) ? Stop.BUDGET : Stop.FILE_DONE;
        }

        /** Adds the block's matching lines, newest first; true when the page is full ({@link #stoppedAt} set). */
        private boolean scanBlock(LogFile f, byte[] bytes, String block, int first, long lo) {
            int[] starts = candidates(block, first);
            for (int i = starts.length - 1; i >= 0; i--) {
                int start = starts[i];
                int end = block.indexOf('\n', start);
                AuditEntry e = entry(bytes, block, start, end);
                if (e != null) {
                    found.add(e);
                    resumes.add(new AuditCursor(f.id(), lo + start));
                    if (found.size() == query.limit()) {
                        stoppedAt = lo + start;
                        return true;
                    }
                }
            }
            return false;
        }

        /** The starts of the lines in {@code block[first..]} that contain the primary pattern, oldest first. */
        private int[] candidates(String block, int first) {
            int[] starts = new int[64];
            int count = 0;
            if (primary == null) {
                for (int at = first; at < block.length(); at = block.indexOf('\n', at) + 1) {
                    starts = add(starts, count++, at);
                }
            } else {
                int at = block.indexOf(primary, first);
                while (at >= 0) {
                    int start = block.lastIndexOf('\n', at) + 1;
                    starts = add(starts, count++, Math.max(start, first));
                    int end = block.indexOf('\n', at);
                    at = block.indexOf(primary, end + 1);
                }
            }
            return Arrays.copyOf(starts, count);
        }

        private AuditEntry entry(byte[] bytes, String block, int start, int end) {
            String raw = block.substring(start, end);
            if (!raw.endsWith("}") || AuditFiles.isCheckpoint(raw) || !matcher.mayMatch(raw)) {
                return null;
            }
            AuditEntry e;
            try {
                e = AuditEntry.of(new JsonObject(new String(bytes, start, end - start, StandardCharsets.UTF_8)));
            } catch (RuntimeException notAnAuditLine) {
                return null; // invalid JSON or not a record: the verifier reports it, a search passes over it
            }
            return matcher.matches(e) ? e : null;
        }

        /**
         * The end of the lines a window's newer end can include: a binary search over byte offsets for the first
         * line later than {@code to} plus the slack; lines are in time order, so none after it can match.
         */
        private long seekNewest(LogFile f, long end) throws IOException {
            if (f.firstTime() != null && f.firstTime().isAfter(newest)) {
                return 0; // the whole file is newer than the window
            }
            long lo = 0;
            long hi = end;
            while (hi - lo > SEEK_SPAN) {
                long mid = lo + (hi - lo) / 2;
                int length = (int) Math.min(SEEK_SPAN, hi - mid + 1);
                byte[] bytes = f.read(mid - 1, length);
                String chunk = new String(bytes, StandardCharsets.ISO_8859_1);
                int start = chunk.indexOf('\n') + 1;
                int lineEnd = start == 0 ? -1 : chunk.indexOf('\n', start);
                if (start == 0 || lineEnd < 0) {
                    return hi; // no whole line here: scan the rest rather than guess
                }
                Instant t = timeOfLineAt(chunk, start);
                if (t != null && t.isAfter(newest)) {
                    hi = mid - 1 + start;
                } else {
                    lo = mid - 1 + lineEnd + 1;
                }
            }
            return hi;
        }
    }

    /** The {@code time} of the line starting at {@code start}, or null when it has none readable. */
    static Instant timeOfLineAt(String block, int start) {
        int end = block.indexOf('\n', start);
        int at = block.indexOf(TIME_FIELD, start);
        if (at < 0 || (end >= 0 && at > end)) {
            return null;
        }
        int from = at + TIME_FIELD.length();
        int to = block.indexOf('"', from);
        if (to < 0 || to - from > 40) {
            return null;
        }
        try {
            return Instant.parse(block.substring(from, to));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static int[] add(int[] array, int index, int value) {
        int[] a = index < array.length ? array : Arrays.copyOf(array, array.length * 2);
        a[index] = value;
        return a;
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
