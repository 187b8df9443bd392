package dev.warrant.delegation;

import biscuit.format.schema.Schema;
import com.google.protobuf.ByteString;
import org.biscuitsec.biscuit.crypto.KeyPair;
import org.biscuitsec.biscuit.token.Biscuit;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

import static dev.warrant.delegation.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class VerificationRejectionTest {

    static TokenReason reason(Verifier verifier, String token) {
        TokenException e = catchThrowableOfType(TokenException.class, () -> verifier.verify(token));
        assertThat(e).as("token must be rejected").isNotNull();
        assertThat(e.getMessage()).doesNotContain("\n");
        assertThat(e.getStackTrace()).as("stackless").isEmpty();
        return e.reason();
    }

    static TokenReason reason(String token) {
        return reason(VERIFIER, token);
    }

    @Test
    void tokenFromAnotherRootIsRejected() {
        String sameIdOtherKey = new Minter(SigningKey.fromHex("1", OTHER.privateKeyHex()), CLOCK, Duration.ofHours(1))
                .mint(MintSpec.builder("mallory").right("admin", "*", "*").build());
        assertThat(reason(sameIdOtherKey)).isEqualTo(TokenReason.SIGNATURE_INVALID);
        String otherId = new Minter(OTHER, CLOCK, Duration.ofHours(1)).mint(MintSpec.builder("mallory").build());
        assertThat(reason(otherId)).isEqualTo(TokenReason.UNKNOWN_ROOT_KEY);
    }

    @Test
    void oneFlippedBitInAnyBlockOrSignatureIsRejected() throws Exception {
        String token = Delegator.attenuate(Delegator.attenuate(plannerToken(),
                HopSpec.delegateTo("researcher").tools("notes", "read_note").build(), CLOCK),
                HopSpec.delegateTo("summarizer").build(), CLOCK);
        Schema.Biscuit p = proto(token);
        for (int block = 0; block <= p.getBlocksCount(); block++) {
            Schema.SignedBlock sb = block == 0 ? p.getAuthority() : p.getBlocks(block - 1);
            byte[] content = sb.getBlock().toByteArray();
            for (int pos : new int[] {0, content.length / 2, content.length - 1}) {
                byte[] flipped = content.clone();
                flipped[pos] ^= 0x01;
                Schema.SignedBlock changed = sb.toBuilder().setBlock(ByteString.copyFrom(flipped)).build();
                assertThat(reason(b64(replace(p, block, changed).toByteArray())))
                        .as("block %d byte %d", block, pos).isEqualTo(TokenReason.SIGNATURE_INVALID);
            }
            byte[] sig = sb.getSignature().toByteArray();
            sig[5] ^= 0x10;
            Schema.SignedBlock badSig = sb.toBuilder().setSignature(ByteString.copyFrom(sig)).build();
            assertThat(reason(b64(replace(p, block, badSig).toByteArray()))).isEqualTo(TokenReason.SIGNATURE_INVALID);
        }
    }

    static Schema.Biscuit replace(Schema.Biscuit p, int block, Schema.SignedBlock sb) {
        return block == 0 ? p.toBuilder().setAuthority(sb).build() : p.toBuilder().setBlocks(block - 1, sb).build();
    }

    @Test
    void droppedOrReorderedBlocksAreRejected() throws Exception {
        String token = Delegator.attenuate(Delegator.attenuate(plannerToken(),
                HopSpec.delegateTo("researcher").tools("notes", "read_note").build(), CLOCK),
                HopSpec.delegateTo("summarizer").build(), CLOCK);
        Schema.Biscuit p = proto(token);
        Schema.Biscuit dropped = p.toBuilder().removeBlocks(0).build();
        assertThat(reason(b64(dropped.toByteArray()))).isEqualTo(TokenReason.SIGNATURE_INVALID);
    }

    @Test
    void truncatedAndGarbageTokensAreMalformed() {
        byte[] bytes = bytes(plannerToken());
        for (int len : new int[] {0, 1, 10, bytes.length / 2, bytes.length - 1}) {
            String truncated = b64(Arrays.copyOf(bytes, len));
            if (len == 0) {
                assertThat(reason(truncated)).isEqualTo(TokenReason.MALFORMED);
            } else {
                assertThat(reason(truncated)).isIn(TokenReason.MALFORMED, TokenReason.SIGNATURE_INVALID);
            }
        }
        assertThat(reason("not base64 !!")).isEqualTo(TokenReason.MALFORMED);
        assertThat(reason("AAAA")).isEqualTo(TokenReason.MALFORMED);
        assertThatThrownBy(() -> VERIFIER.verify(null)).isInstanceOf(TokenException.class);
    }

    @Test
    void oversizeTokenIsRejectedBeforeDecoding() {
        Verifier small = new Verifier(RING, new VerifierSettings(100, 8, Duration.ofHours(24)), CLOCK);
        assertThat(reason(small, plannerToken())).isEqualTo(TokenReason.TOO_LARGE);
        // Not even base64: size is checked first.
        assertThat(reason("!".repeat(20_000))).isEqualTo(TokenReason.TOO_LARGE);
    }

    @Test
    void expiredTokenIsRejected() {
        String token = plannerToken();
        Verifier later = new Verifier(RING, VerifierSettings.defaults(), clockAt(NOW.plus(Duration.ofHours(1))));
        assertThat(reason(later, token)).isEqualTo(TokenReason.EXPIRED);
        Verifier justBefore = new Verifier(RING, VerifierSettings.defaults(), clockAt(NOW.plus(Duration.ofMinutes(59))));
        assertThat(catchThrowableOfType(TokenException.class, () -> justBefore.verify(token))).isNull();
    }

    @Test
    void ttlBeyondTheVerifierMaximumIsRejected() {
        String longLived = new Minter(ROOT, CLOCK, Duration.ofDays(30)).mint(MintSpec.builder("planner")
                .ttl(Duration.ofHours(30)).build());
        assertThat(reason(longLived)).isEqualTo(TokenReason.TTL_EXCEEDED);
    }

    @Test
    void tokenWithoutExpiryIsRejected() throws Exception {
        org.biscuitsec.biscuit.token.builder.Biscuit b = Biscuit.builder(new java.security.SecureRandom(),
                new KeyPair(ROOT.privateKeyHex()), io.vavr.control.Option.some(1));
        b.add_authority_fact("agent(\"planner\")");
        b.add_authority_fact("issued_at(2026-11-25T20:00:00Z)");
        assertThat(reason(b.build().serialize_b64url())).isEqualTo(TokenReason.MISSING_EXPIRY);
    }

    @Test
    void contractViolationsInTheAuthorityBlockAreMalformed() throws Exception {
        org.biscuitsec.biscuit.token.builder.Biscuit b = Biscuit.builder(new java.security.SecureRandom(),
                new KeyPair(ROOT.privateKeyHex()), io.vavr.control.Option.some(1));
        b.add_authority_fact("agent(\"planner\")");
        b.add_authority_fact("agent(\"admin\")");
        b.add_authority_fact("issued_at(2026-11-25T20:00:00Z)");
        b.add_authority_fact("expires(2026-11-25T21:00:00Z)");
        assertThat(reason(b.build().serialize_b64url())).isEqualTo(TokenReason.MALFORMED);

        org.biscuitsec.biscuit.token.builder.Biscuit c = Biscuit.builder(new java.security.SecureRandom(),
                new KeyPair(ROOT.privateKeyHex()), io.vavr.control.Option.some(1));
        c.add_authority_fact("agent(\"planner\")");
        c.add_authority_fact("issued_at(2026-11-25T20:00:00Z)");
        c.add_authority_fact("expires(\"tomorrow\")");
        assertThat(reason(c.build().serialize_b64url())).isEqualTo(TokenReason.MALFORMED);
    }

    @Test
    void hopFromSomeoneOtherThanTheHolderBreaksTheChain() throws Exception {
        String token = appendRaw(plannerToken(), "delegation(\"mallory\", \"eve\")");
        assertThat(reason(token)).isEqualTo(TokenReason.BROKEN_CHAIN);
        String twoDelegations = appendRaw(plannerToken(),
                "delegation(\"planner\", \"a\"); delegation(\"planner\", \"b\")");
        assertThat(reason(twoDelegations)).isEqualTo(TokenReason.MALFORMED);
        String skipped = appendRaw(Delegator.attenuate(plannerToken(), HopSpec.delegateTo("researcher").build(), CLOCK),
                "delegation(\"planner\", \"eve\")");
        assertThat(reason(skipped)).isEqualTo(TokenReason.BROKEN_CHAIN);
    }

    @Test
    void chainDeeperThanTheMaximumIsRejected() throws Exception {
        String token = plannerToken();
        for (int i = 1; i <= 8; i++) {
            token = Delegator.attenuate(token, HopSpec.delegateTo("agent-" + i).build(), CLOCK);
        }
        assertThat(VERIFIER.verify(token).depth()).isEqualTo(8);
        String tooDeep = Delegator.attenuate(token, HopSpec.delegateTo("agent-9").build(), CLOCK);
        assertThat(reason(tooDeep)).isEqualTo(TokenReason.CHAIN_TOO_DEEP);
        // Self-attenuations do not count as hops.
        String selfAttenuated = Delegator.attenuate(token, HopSpec.selfAttenuation().tools("notes", "read_note").build(), CLOCK);
        assertThat(VERIFIER.verify(selfAttenuated).depth()).isEqualTo(8);
    }

    @Test
    void reasonCodesAreStable() {
        assertThat(TokenReason.NON_CANONICAL_SIGNATURE.code()).isEqualTo("signature_not_canonical");
        assertThat(TokenReason.TTL_EXCEEDED.code()).isEqualTo("ttl_exceeds_maximum");
        assertThat(DenyReason.LIMIT_EXCEEDED.code()).isEqualTo("authorizer_limit");
        for (TokenReason r : TokenReason.values()) {
            assertThat(r.code()).matches("[a-z_]+");
        }
        for (DenyReason r : DenyReason.values()) {
            assertThat(r.code()).matches("[a-z_]+");
        }
    }
}
