package dev.warrant.gateway.approval;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhook signature: its exact bytes (as a receiver recomputes them with openssl) and what verify refuses. */
class WebhookSignatureTest {

    private static final byte[] SECRET = "whsec-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    private static final Instant AT = Instant.ofEpochSecond(1_700_000_000L);
    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    @Test
    void signsTimestampDotBodyAsOpensslDoes() {
        // printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'whsec-0123456789abcdef'
        assertThat(WebhookSignature.sign(SECRET, 1_700_000_000L, BODY))
                .isEqualTo("sha256=d77c78ac4da074c56908b55eac30358b2a7bfc573be4c76819af5102e8dcf939");
    }

    @Test
    void verifiesItsOwnSignatureWithinTheTolerance() {
        String signature = WebhookSignature.sign(SECRET, AT.getEpochSecond(), BODY);
        assertThat(WebhookSignature.verify(SECRET, signature, "1700000000", BODY, AT.plusSeconds(299), FIVE_MINUTES))
                .isTrue();
        assertThat(WebhookSignature.verify(SECRET, signature, "1700000000", BODY, AT.minusSeconds(299), FIVE_MINUTES))
                .isTrue();
    }

    @Test
    void refusesAnotherBodySecretOrTimestamp() {
        String signature = WebhookSignature.sign(SECRET, AT.getEpochSecond(), BODY);
        byte[] other = "{\"a\":2}".getBytes(StandardCharsets.UTF_8);
        assertThat(WebhookSignature.verify(SECRET, signature, "1700000000", other, AT, FIVE_MINUTES)).isFalse();
        assertThat(WebhookSignature.verify("whsec-another-secret-000".getBytes(StandardCharsets.UTF_8), signature,
                "1700000000", BODY, AT, FIVE_MINUTES)).isFalse();
        // The timestamp is inside the MAC: moving it (to pass a replay window) breaks the signature.
        assertThat(WebhookSignature.verify(SECRET, signature, "1700000001", BODY, AT, FIVE_MINUTES)).isFalse();
    }

    @Test
    void refusesAReplayOutsideTheToleranceAndMalformedHeaders() {
        String signature = WebhookSignature.sign(SECRET, AT.getEpochSecond(), BODY);
        assertThat(WebhookSignature.verify(SECRET, signature, "1700000000", BODY, AT.plusSeconds(301), FIVE_MINUTES))
                .isFalse();
        assertThat(WebhookSignature.verify(SECRET, signature.substring(7), "1700000000", BODY, AT, FIVE_MINUTES))
                .isFalse();
        assertThat(WebhookSignature.verify(SECRET, "sha256=zz", "1700000000", BODY, AT, FIVE_MINUTES)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, signature, "-1", BODY, AT, FIVE_MINUTES)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, null, "1700000000", BODY, AT, FIVE_MINUTES)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, signature, null, BODY, AT, FIVE_MINUTES)).isFalse();
    }
}
