package dev.warrant.delegation;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The nonce queue is refilled in bursts (docs/ARCHITECTURE.md §11.38): once signatures take it down to half its
 * depth, the filler wakes and fills it again. A filler that never woke would leave every later signature paying
 * the full cost, which no correctness check notices.
 */
class PrecomputedSignerRefillTest {

    private static final Duration BOUND = Duration.ofSeconds(20);

    @Test
    void theFillerRefillsTheQueueOnceItFallsToHalf() {
        SigningKey key = SigningKey.generate("audit-test");
        byte[] message = "receipt root".getBytes(StandardCharsets.UTF_8);
        try (PrecomputedSigner signer = new PrecomputedSigner(key, 8)) {
            for (int round = 0; round < 3; round++) {
                await().atMost(BOUND).until(() -> signer.readyCount() == 8);
                // Five of eight: below the mark, so the filler must wake (it may already be refilling).
                for (int i = 0; i < 5; i++) {
                    assertThat(signer.sign(message)).hasSize(64);
                }
            }
            await().atMost(BOUND).until(() -> signer.readyCount() == 8);
        }
    }
}
