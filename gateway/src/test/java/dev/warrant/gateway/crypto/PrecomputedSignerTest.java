package dev.warrant.gateway.crypto;

import dev.warrant.delegation.PrecomputedSigner;
import dev.warrant.delegation.SigningKey;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signatures made with precomputed nonces are ordinary Ed25519 signatures: the JDK's strict RFC 8032 verifier
 * (which refuses non-canonical S) accepts them, for the key and message signed and nothing else; no nonce repeats;
 * and a signer whose queue is empty still signs correctly.
 */
class PrecomputedSignerTest {

    @Test
    void signaturesVerifyUnderTheJdkAndNoNonceRepeats() {
        SigningKey key = SigningKey.generate("audit-test");
        PublicKey pub = Ed25519.publicKey(HexFormat.of().parseHex(key.publicKey().hex()));
        byte[] message = "receipt root".getBytes(StandardCharsets.UTF_8);
        Set<String> nonces = new HashSet<>();
        try (PrecomputedSigner signer = new PrecomputedSigner(key, 4)) {
            for (int i = 0; i < 200; i++) {
                byte[] sig = signer.sign(message);
                assertThat(sig).hasSize(64);
                assertThat(Ed25519.verifies(pub, message, sig)).isTrue();
                assertThat(nonces.add(HexFormat.of().formatHex(sig, 0, 32))).as("nonce %d is new", i).isTrue();
            }
            byte[] sig = signer.sign(message);
            byte[] other = "another root".getBytes(StandardCharsets.UTF_8);
            assertThat(Ed25519.verifies(pub, other, sig)).isFalse();
            PublicKey stranger = Ed25519.publicKey(HexFormat.of().parseHex(
                    SigningKey.generate("other").publicKey().hex()));
            assertThat(Ed25519.verifies(stranger, message, sig)).isFalse();
        }
    }

    @Test
    void aClosedOrDrainedSignerStillSignsCorrectly() {
        SigningKey key = SigningKey.generate("audit-test");
        PublicKey pub = Ed25519.publicKey(HexFormat.of().parseHex(key.publicKey().hex()));
        PrecomputedSigner signer = new PrecomputedSigner(key, 1);
        signer.close();
        // With the filler stopped the queue runs dry: every signature then makes its own nonce.
        for (int i = 0; i < 5; i++) {
            byte[] message = ("m" + i).getBytes(StandardCharsets.UTF_8);
            assertThat(Ed25519.verifies(pub, message, signer.sign(message))).isTrue();
        }
    }
}
