package dev.warrant.gateway.record;

import dev.warrant.gateway.crypto.Sha256;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * The hash chain's head: the member, the last line's {@code seq} and the SHA-256 of its exact bytes (without the
 * line feed), which the next line carries as {@code prev} (docs/ARCHITECTURE.md §8.1). Resumed from the newest
 * file at start, so the chain continues across restarts and rotations.
 *
 * <p>Concurrency: not thread-safe; owned by the audit writer thread.
 */
final class AuditChain {

    private static final Logger LOG = LoggerFactory.getLogger(AuditChain.class);
    /** The {@code prev} of a member's first line. */
    static final String GENESIS = "0".repeat(64);
    private static final HexFormat HEX = HexFormat.of();

    /** A saved head, to undo lines that were encoded but never reached the file. */
    record Mark(long seq, String prev, long unsealed) {
    }

    private final String memberId;
    private final MessageDigest sha256 = Sha256.newDigest();
    private long seq;
    private String prev;
    private long unsealed;

    private AuditChain(String memberId, long seq, String prev, long unsealed) {
        this.memberId = memberId;
        this.seq = seq;
        this.prev = prev;
        this.unsealed = unsealed;
    }

    String memberId() {
        return memberId;
    }

    long nextSeq() {
        return seq + 1;
    }

    long lastSeq() {
        return seq;
    }

    String prev() {
        return prev;
    }

    /** Lines since the last checkpoint. */
    long unsealed() {
        return unsealed;
    }

    /** Records that a line of {@code len} bytes (no line feed) was appended as {@link #nextSeq()}. */
    void appended(byte[] bytes, int off, int len, boolean checkpoint) {
        sha256.update(bytes, off, len);
        prev = HEX.formatHex(sha256.digest());
        seq++;
        unsealed = checkpoint ? 0 : unsealed + 1;
    }

    Mark mark() {
        return new Mark(seq, prev, unsealed);
    }

    void reset(Mark mark) {
        seq = mark.seq();
        prev = mark.prev();
        unsealed = mark.unsealed();
    }

    static String hash(byte[] line) {
        return HEX.formatHex(Sha256.of(line));
    }

    /**
     * Continues the chain from the last line of the newest file of {@code live}'s log. A partial last line (a
     * write cut short by a crash, never acknowledged) is cut off the live file first, so new lines never glue onto
     * it. A last line of another member is refused: this member would otherwise chain onto someone else's log.
     */
    static AuditChain resume(Path live, String memberId) throws IOException {
        List<Path> files = AuditFiles.oldestFirst(live);
        if (Files.exists(live)) {
            cutPartialLine(live);
        }
        for (int i = files.size() - 1; i >= 0; i--) {
            byte[] last = lastLine(files.get(i));
            if (last == null) {
                continue;
            }
            JsonObject json;
            try {
                json = new JsonObject(new String(last, StandardCharsets.UTF_8));
            } catch (DecodeException | ClassCastException e) {
                json = new JsonObject();
            }
            Object seq = json.getValue("seq");
            String member = json.getValue("member") instanceof String s ? s : null;
            if (!(seq instanceof Number n) || member == null) {
                LOG.info("audit log {} has no chain yet: starting one at seq 1", files.get(i));
                break;
            }
            if (!member.equals(memberId)) {
                throw new IOException("audit file " + files.get(i) + " continues member " + member
                        + "'s log, but this state dir's audit member is " + memberId + " (see audit.file)");
            }
            boolean checkpoint = "checkpoint".equals(json.getValue("decision"));
            return new AuditChain(memberId, n.longValue(), hash(last), checkpoint ? 0 : 1);
        }
        return new AuditChain(memberId, 0, GENESIS, 0);
    }

    private static void cutPartialLine(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long end = lastNewlineEnd(file, size);
            if (end < size) {
                LOG.warn("audit log {}: cutting a partial last line of {} bytes (a write cut short, never acknowledged)",
                        file, size - end);
                ch.truncate(end);
                ch.force(true);
            }
        }
    }

    /** The offset just past the last line feed at or before {@code size}, 0 when there is none. */
    private static long lastNewlineEnd(Path file, long size) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] chunk = new byte[8192];
            long pos = size;
            while (pos > 0) {
                int n = (int) Math.min(chunk.length, pos);
                pos -= n;
                raf.seek(pos);
                raf.readFully(chunk, 0, n);
                for (int i = n - 1; i >= 0; i--) {
                    if (chunk[i] == '\n') {
                        return pos + i + 1;
                    }
                }
            }
            return 0;
        }
    }

    /** The last complete line's bytes (no line feed), null for a file without one. */
    private static byte[] lastLine(Path file) throws IOException {
        long size = Files.size(file);
        long end = lastNewlineEnd(file, size);
        if (end == 0) {
            return null;
        }
        long start = lastNewlineEnd(file, end - 1);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] line = new byte[Math.toIntExact(end - 1 - start)];
            raf.seek(start);
            raf.readFully(line);
            return line;
        }
    }
}
