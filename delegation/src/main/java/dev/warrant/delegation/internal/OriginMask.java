package dev.warrant.delegation.internal;

import org.biscuitsec.biscuit.datalog.Origin;
import org.biscuitsec.biscuit.datalog.TrustedOrigins;

/**
 * A set of block ids as a bit set: bit i for token block i (i < 63), bit 63 for the authorizer
 * ({@code Long.MAX_VALUE} in the library). Lets the prepared evaluation test "is this fact visible from
 * this rule" with one AND instead of the library's {@code HashSet.containsAll}, allocation-free.
 * Tokens with more blocks are refused here (IllegalArgumentException) and keep the library's Authorizer.
 */
final class OriginMask {
    static final int MAX_BLOCKS = 63;
    static final long AUTHORIZER = 1L << 63;

    private OriginMask() {}

    static long of(long blockId) {
        if (blockId == Long.MAX_VALUE) {
            return AUTHORIZER;
        }
        if (blockId < 0 || blockId >= MAX_BLOCKS) {
            throw new IllegalArgumentException("block id out of the prepared range: " + blockId);
        }
        return 1L << blockId;
    }

    static long of(Origin origin) {
        long mask = 0;
        for (long id : origin.inner) {
            mask |= of(id);
        }
        return mask;
    }

    /**
     * The blocks (of a token with {@code blockCount} blocks) and the authorizer a rule may read from. Asked of
     * the library's own TrustedOrigins, one block at a time, so scopes mean exactly what they mean there.
     */
    static long trusted(TrustedOrigins trusted, int blockCount) {
        if (blockCount > MAX_BLOCKS) {
            throw new IllegalArgumentException("too many blocks for the prepared path: " + blockCount);
        }
        long mask = trusted.contains(Origin.authorizer()) ? AUTHORIZER : 0;
        for (int i = 0; i < blockCount; i++) {
            if (trusted.contains(new Origin(i))) {
                mask |= 1L << i;
            }
        }
        return mask;
    }

    /** Whether every origin of a fact is trusted (the library's {@code TrustedOrigins.contains}). */
    static boolean visible(long factOrigins, long trusted) {
        return (factOrigins & ~trusted) == 0;
    }
}
