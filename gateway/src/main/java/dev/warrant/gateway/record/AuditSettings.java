package dev.warrant.gateway.record;

/**
 * Audit log settings ({@code audit:} in the config).
 *
 * @param maxFileBytes     rotate when the live file would grow past this (audit.log -> audit.log.1 -> ...)
 * @param maxFiles         rotated files kept besides the live one; older ones are deleted
 * @param includeArguments write the raw call arguments too (off by default: they may hold secrets or personal data)
 * @param refuseWhenFailing while the log cannot be written, refuse every request with {@code audit_unavailable}
 *                          (the default: no audit, no action); false answers them and only logs the failure
 */
public record AuditSettings(long maxFileBytes, int maxFiles, boolean includeArguments, boolean refuseWhenFailing) {

    public static final long DEFAULT_MAX_FILE_BYTES = 64L * 1024 * 1024;
    public static final int DEFAULT_MAX_FILES = 10;

    public AuditSettings {
        if (maxFileBytes < 1024) {
            throw new IllegalArgumentException("audit.maxFileBytes must be at least 1024");
        }
        if (maxFiles < 1 || maxFiles > 1000) {
            throw new IllegalArgumentException("audit.maxFiles must be 1..1000");
        }
    }

    /** Refusing while the log cannot be written, as by default. */
    public AuditSettings(long maxFileBytes, int maxFiles, boolean includeArguments) {
        this(maxFileBytes, maxFiles, includeArguments, true);
    }

    public static AuditSettings defaults() {
        return new AuditSettings(DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FILES, false, true);
    }
}
