package dev.warrant.gateway.cluster;

import dev.warrant.delegation.VerifiedToken;

/**
 * Answers "is this token revoked?" on every request. Implementations must be a few hash lookups, flat in the
 * number of revoked entries (docs/ARCHITECTURE.md §5.2), and safe to call on an event loop.
 */
public interface RevocationIndex {

    boolean isRevoked(VerifiedToken token);
}
