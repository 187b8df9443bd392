package dev.warrant.gateway.record;

import java.time.Duration;

/**
 * Audit log settings ({@code audit:} in the config).
 *
 * @param maxFileBytes     rotate when the live file would grow past this (audit.log -> audit.log.1 -> ...)
 * @param maxFiles         rotated files kept besides the live one; older ones are deleted
 * @param includeArguments write the raw call arguments too (off by default: they may hold secrets or personal data)
 * @param refuseWhenFailing while the log cannot be written, refuse every request with {@code audit_unavailable}
 *                          (the default: no audit, no action); false answers them and only logs the failure
 * @param checkpointEvery  a signed checkpoint after this many lines at most (docs/ARCHITECTURE.md §8.1)
 * @param checkpointInterval a signed checkpoint at least this often while lines are being written
 * @param receipts         every answered tools/call carries a signed receipt (docs/ARCHITECTURE.md §11.37); on by default
 */
public record AuditSettings(long maxFileBytes, int maxFiles, boolean includeArguments, boolean refuseWhenFailing,
                            int checkpointEvery, Duration checkpointInterval, boolean receipts) {

    public static final long DEFAULT_MAX_FILE_BYTES = 64L * 1024 * 1024;
    public static final int DEFAULT_MAX_FILES = 10;
    /** One signature (~0.1 ms, docs/PERFORMANCE.md) per 1000 lines: noise next to the lines' own cost. */
    public static final int DEFAULT_CHECKPOINT_EVERY = 1000;
    /** How long a line may stay unsealed on a quiet member. */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

    public AuditSettings {
        if (maxFileBytes < 1024) {
            throw new IllegalArgumentException("audit.maxFileBytes must be at least 1024");
        }
        if (maxFiles < 1 || maxFiles > 1000) {
            throw new IllegalArgumentException("audit.maxFiles must be 1..1000");
        }
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("audit.checkpointEvery must be at least 1");
        }
        if (checkpointInterval == null || checkpointInterval.toMillis() < 1) {
            throw new IllegalArgumentException("audit.checkpointInterval must be at least 1 ms");
        }
    }

    /** With receipts. */
    public AuditSettings(long maxFileBytes, int maxFiles, boolean includeArguments, boolean refuseWhenFailing,
                         int checkpointEvery, Duration checkpointInterval) {
        this(maxFileBytes, maxFiles, includeArguments, refuseWhenFailing, checkpointEvery, checkpointInterval, true);
    }

    /** Default checkpoints. */
    public AuditSettings(long maxFileBytes, int maxFiles, boolean includeArguments, boolean refuseWhenFailing) {
        this(maxFileBytes, maxFiles, includeArguments, refuseWhenFailing, DEFAULT_CHECKPOINT_EVERY,
                DEFAULT_CHECKPOINT_INTERVAL);
    }

    /** Refusing while the log cannot be written, as by default. */
    public AuditSettings(long maxFileBytes, int maxFiles, boolean includeArguments) {
        this(maxFileBytes, maxFiles, includeArguments, true);
    }

    public static AuditSettings defaults() {
        return new AuditSettings(DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FILES, false, true);
    }

    public AuditSettings withCheckpoints(int every, Duration interval) {
        return new AuditSettings(maxFileBytes, maxFiles, includeArguments, refuseWhenFailing, every, interval, receipts);
    }

    public AuditSettings withReceipts(boolean on) {
        return new AuditSettings(maxFileBytes, maxFiles, includeArguments, refuseWhenFailing, checkpointEvery,
                checkpointInterval, on);
    }
}
