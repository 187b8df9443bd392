package dev.warrant.delegation.internal;

import biscuit.format.schema.Schema;

import java.math.BigInteger;
import java.util.Optional;

/**
 * Rejects malleable Ed25519 signatures (CVE-2020-36843). net.i2p eddsa 0.3.0, used by biscuit-java 4.0.1,
 * accepts a signature whose scalar S was replaced by S + L; that changes the signature bytes and therefore the
 * revocation ids, so a revoked token could be replayed under fresh ids. RFC 8032 requires S < L.
 */
public final class SignatureCanonicity {
    /** The order of the Ed25519 base point, L = 2^252 + 27742317777372353535851937790883648493. */
    public static final BigInteger L = BigInteger.TWO.pow(252)
            .add(new BigInteger("27742317777372353535851937790883648493"));

    private SignatureCanonicity() {}

    /**
     * False only for a 64-byte signature whose S (bytes 32..63, little-endian) is not below L. Signatures of
     * another length are left to the library, which rejects them as invalid.
     */
    public static boolean isCanonical(byte[] sig) {
        return sig.length != 64 || scalarS(sig).compareTo(L) < 0;
    }

    public static BigInteger scalarS(byte[] sig) {
        byte[] be = new byte[33]; // leading zero keeps it positive
        for (int i = 0; i < 32; i++) {
            be[32 - i] = sig[32 + i];
        }
        return new BigInteger(be);
    }

    /** Describes the first non-canonical signature in the token, if any (authority, blocks, external, proof). */
    public static Optional<String> firstNonCanonical(Schema.Biscuit token) {
        if (!isCanonical(token.getAuthority().getSignature().toByteArray())) {
            return Optional.of("authority block signature");
        }
        for (int i = 0; i < token.getBlocksCount(); i++) {
            Schema.SignedBlock b = token.getBlocks(i);
            if (!isCanonical(b.getSignature().toByteArray())) {
                return Optional.of("signature of block " + (i + 1));
            }
            if (b.hasExternalSignature() && !isCanonical(b.getExternalSignature().getSignature().toByteArray())) {
                return Optional.of("external signature of block " + (i + 1));
            }
        }
        if (token.getProof().hasFinalSignature()
                && !isCanonical(token.getProof().getFinalSignature().toByteArray())) {
            return Optional.of("final (sealing) signature");
        }
        return Optional.empty();
    }
}
