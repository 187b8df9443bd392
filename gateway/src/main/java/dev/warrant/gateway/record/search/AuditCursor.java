package dev.warrant.gateway.record.search;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;

/**
 * Where the next page of a search continues: the lines that end before byte {@code offset} of the audit file
 * whose identity is {@code fileId}, then every older file. A file's identity is a digest of its first line, which
 * never changes: the live file is only appended to and a rotation renames it, so a cursor stays valid while the
 * log grows and rotates, until its file is deleted. Opaque to clients: base64url of 25 bytes.
 *
 * @param fileId 16 bytes ({@link LogFile#id()})
 * @param offset a line boundary in that file; 0 means "continue with the older files"
 */
public record AuditCursor(byte[] fileId, long offset) {

    private static final byte VERSION = 1;
    private static final int LENGTH = 1 + LogFile.ID_BYTES + Long.BYTES;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    public AuditCursor {
        if (fileId == null || fileId.length != LogFile.ID_BYTES || offset < 0) {
            throw new IllegalArgumentException("a cursor needs a 16-byte file id and an offset >= 0");
        }
        fileId = fileId.clone();
    }

    @Override
    public byte[] fileId() {
        return fileId.clone();
    }

    boolean names(byte[] id) {
        return Arrays.equals(fileId, id);
    }

    public String encode() {
        ByteBuffer b = ByteBuffer.allocate(LENGTH).put(VERSION).put(fileId).putLong(offset);
        return ENCODER.encodeToString(b.array());
    }

    /** The cursor {@code text} encodes; anything else (garbled, truncated, another version) is {@code audit_cursor_invalid}. */
    public static AuditCursor decode(String text) {
        byte[] raw;
        try {
            raw = text == null || text.length() > 64 ? null : Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            raw = null;
        }
        if (raw == null || raw.length != LENGTH || raw[0] != VERSION) {
            throw invalid("not a cursor this gateway issued");
        }
        ByteBuffer b = ByteBuffer.wrap(raw, 1, LENGTH - 1);
        byte[] id = new byte[LogFile.ID_BYTES];
        b.get(id);
        long offset = b.getLong();
        if (offset < 0) {
            throw invalid("not a cursor this gateway issued");
        }
        return new AuditCursor(id, offset);
    }

    static WarrantException invalid(String detail) {
        return WarrantException.of(Reason.AUDIT_CURSOR_INVALID, detail);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditCursor c && c.offset == offset && Arrays.equals(c.fileId, fileId);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(fileId) + Long.hashCode(offset);
    }

    @Override
    public String toString() {
        return encode();
    }
}
