package dev.warrant.gateway.cluster;

import java.io.Serializable;
import java.util.Objects;

/**
 * One revocation entry as stored in the cluster map.
 *
 * @param revocationId      lowercase hex block revocation id (revokes that token and everything derived from it)
 * @param revokedAtMillis   when it was revoked
 * @param expiresAtMillis   after this the entry can be dropped: no token it covers can still be valid
 * @param reason            free text from the operator, for the audit trail
 */
public record Revocation(String revocationId, long revokedAtMillis, long expiresAtMillis, String reason)
        implements Serializable {

    public Revocation {
        Objects.requireNonNull(revocationId, "revocationId");
        if (!revocationId.matches("[0-9a-f]{2,256}")) {
            throw new IllegalArgumentException("revocationId must be lowercase hex");
        }
        reason = reason == null ? "" : reason;
    }
}
