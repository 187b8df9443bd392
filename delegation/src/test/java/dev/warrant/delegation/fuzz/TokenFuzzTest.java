package dev.warrant.delegation.fuzz;

import biscuit.format.schema.Schema;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.FixedTestKey;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.delegation.TokenException;
import dev.warrant.delegation.TokenReason;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import dev.warrant.delegation.internal.SignatureCanonicity;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token parsing and verification under arbitrary and mutated input. Runs the committed corpus
 * (src/test/resources/.../TokenFuzzTestInputs/) in every {@code mvn test}; {@code JAZZER_FUZZ=1} fuzzes.
 *
 * <p>Invariants: {@link Verifier#verify} throws nothing but {@link TokenException}, answers within a bound, and
 * a mutated genuine token either fails or verifies to the original's revocation ids (anything else would be
 * malleability: a revoked token coming back under fresh ids).
 */
class TokenFuzzTest {
    static final Instant NOW = Instant.parse("2026-11-25T20:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final SigningKey ROOT = FixedTestKey.root("1");
    static final Verifier VERIFIER = new Verifier(KeyRing.of(ROOT.publicKey()), VerifierSettings.defaults(), CLOCK);
    static final Duration BOUND = Duration.ofSeconds(2);

    /** Genuine tokens of 1, 2 and 4 blocks; minted per run (ephemeral block keys are random), so seeds are mutations. */
    static final List<String> GENUINE;
    static final List<List<String>> GENUINE_IDS;

    static {
        Minter minter = new Minter(ROOT, CLOCK, Duration.ofHours(24));
        String planner = minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .right("tool", "notes", "write_note").task("T-42").build());
        String researcher = Delegator.attenuate(planner, HopSpec.delegateTo("researcher").tools("notes", "read_note")
                .argPathPrefix("path", "/notes/public/").ttl(Duration.ofMinutes(15)).build(), CLOCK);
        String deep = Delegator.attenuate(Delegator.attenuate(researcher, HopSpec.selfAttenuation()
                        .argEquals("mode", "r").build(), CLOCK),
                HopSpec.delegateTo("summarizer").argRange("n", 1, 5).build(), CLOCK);
        GENUINE = List.of(planner, researcher, deep);
        GENUINE_IDS = GENUINE.stream().map(t -> {
            try {
                return VERIFIER.verify(t).revocationIds();
            } catch (TokenException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    /** Any text, as the gateway receives it after "Bearer ". */
    @FuzzTest(maxDuration = "30s")
    void arbitraryText(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        long start = System.nanoTime();
        try {
            VerifiedToken v = VERIFIER.verify(text);
            // Only a genuine token can verify: its ids must be those of one we minted.
            assertThat(GENUINE_IDS).contains(v.revocationIds());
        } catch (TokenException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
    }

    /**
     * Mutations of genuine tokens, steered by the input: bit flips anywhere in the decoded bytes, truncation,
     * appended bytes, or S+L on one block signature.
     */
    @FuzzTest(maxDuration = "30s")
    void mutatedGenuineToken(FuzzedDataProvider data) throws Exception {
        int which = data.consumeInt(0, GENUINE.size() - 1);
        byte[] bytes = Base64.getUrlDecoder().decode(GENUINE.get(which));
        int mode = data.consumeInt(0, 3);
        boolean malleated = false;
        switch (mode) {
            case 0 -> {
                int flips = data.consumeInt(1, 8);
                for (int i = 0; i < flips; i++) {
                    bytes[data.consumeInt(0, bytes.length - 1)] ^= (byte) (1 << data.consumeInt(0, 7));
                }
            }
            case 1 -> bytes = java.util.Arrays.copyOf(bytes, data.consumeInt(0, bytes.length - 1));
            case 2 -> {
                byte[] tail = data.consumeBytes(64);
                byte[] out = java.util.Arrays.copyOf(bytes, bytes.length + tail.length);
                System.arraycopy(tail, 0, out, bytes.length, tail.length);
                bytes = out;
            }
            default -> {
                bytes = malleate(bytes, data.consumeInt(0, 3));
                malleated = true;
            }
        }
        String mutated = Base64.getUrlEncoder().encodeToString(bytes);
        long start = System.nanoTime();
        try {
            VerifiedToken v = VERIFIER.verify(mutated);
            assertThat(malleated).as("an S+L signature must never verify").isFalse();
            assertThat(v.revocationIds()).as("a mutated token verified under other revocation ids")
                    .isEqualTo(GENUINE_IDS.get(which));
        } catch (TokenException e) {
            if (malleated) {
                assertThat(e.reason()).isEqualTo(TokenReason.NON_CANONICAL_SIGNATURE);
            }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
    }

    /** Adds L to the S half of the signature of block {@code block} (modulo the block count). */
    static byte[] malleate(byte[] token, int block) throws Exception {
        Schema.Biscuit p = Schema.Biscuit.parseFrom(token);
        int index = block % (p.getBlocksCount() + 1);
        Schema.SignedBlock sb = index == 0 ? p.getAuthority() : p.getBlocks(index - 1);
        byte[] sig = sb.getSignature().toByteArray();
        BigInteger s = SignatureCanonicity.scalarS(sig).add(SignatureCanonicity.L);
        byte[] be = s.toByteArray();
        for (int i = 0; i < 32; i++) {
            int from = be.length - 1 - i;
            sig[32 + i] = from >= 0 ? be[from] : 0;
        }
        Schema.SignedBlock changed = sb.toBuilder().setSignature(ByteString.copyFrom(sig)).build();
        Schema.Biscuit out = index == 0 ? p.toBuilder().setAuthority(changed).build()
                : p.toBuilder().setBlocks(index - 1, changed).build();
        return out.toByteArray();
    }
}
