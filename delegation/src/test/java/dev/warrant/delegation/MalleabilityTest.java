package dev.warrant.delegation;

import biscuit.format.schema.Schema;
import com.google.protobuf.ByteString;
import dev.warrant.delegation.internal.SignatureCanonicity;
import org.biscuitsec.biscuit.crypto.PublicKey;
import org.biscuitsec.biscuit.token.Biscuit;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static dev.warrant.delegation.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Defect 2, CVE-2020-36843: S + L verifies with net.i2p eddsa 0.3.0 and changes revocation ids. */
class MalleabilityTest {

    /** Adds L to the little-endian S half of a 64-byte Ed25519 signature. */
    static byte[] malleate(byte[] sig) {
        BigInteger s = SignatureCanonicity.scalarS(sig).add(SignatureCanonicity.L);
        byte[] be = s.toByteArray();
        byte[] out = sig.clone();
        for (int i = 0; i < 32; i++) {
            int from = be.length - 1 - i;
            out[32 + i] = from >= 0 ? be[from] : 0;
        }
        return out;
    }

    static String malleateBlock(String token, int block) throws Exception {
        Schema.Biscuit p = proto(token);
        Schema.SignedBlock sb = block == 0 ? p.getAuthority() : p.getBlocks(block - 1);
        Schema.SignedBlock changed = sb.toBuilder()
                .setSignature(ByteString.copyFrom(malleate(sb.getSignature().toByteArray()))).build();
        return b64(VerificationRejectionTest.replace(p, block, changed).toByteArray());
    }

    @Test
    void malleatedSignatureOfAnyBlockIsRejected() throws Exception {
        String token = Delegator.attenuate(plannerToken(), HopSpec.delegateTo("researcher").build(), CLOCK);
        for (int block = 0; block < 2; block++) {
            String malleated = malleateBlock(token, block);
            TokenException e = catchThrowableOfType(TokenException.class, () -> VERIFIER.verify(malleated));
            assertThat(e).isNotNull();
            assertThat(e.reason()).isEqualTo(TokenReason.NON_CANONICAL_SIGNATURE);
        }
    }

    @Test
    void biscuitJavaAloneAcceptsTheMalleatedTokenWithDifferentRevocationIds() throws Exception {
        String token = plannerToken();
        String malleated = malleateBlock(token, 0);
        PublicKey root = new PublicKey(Schema.PublicKey.Algorithm.Ed25519, ROOT.publicKey().hex());
        // The regression is real: the library verifies it...
        Biscuit accepted = Biscuit.from_b64url(malleated, root);
        // ...and the revocation id of the authority block changed, so a revoked token would come back.
        assertThat(accepted.revocation_identifiers().get(0).toHex())
                .isNotEqualTo(VERIFIER.verify(token).revocationIds().get(0));
    }

    @Test
    void canonicityBoundary() {
        byte[] sig = new byte[64];
        assertThat(SignatureCanonicity.isCanonical(sig)).isTrue();
        byte[] lMinusOne = malleate(sig); // S = L
        assertThat(SignatureCanonicity.isCanonical(lMinusOne)).isFalse();
        assertThat(SignatureCanonicity.scalarS(lMinusOne)).isEqualTo(SignatureCanonicity.L);
    }
}
