package dev.warrant.gateway.approval;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * How a webhook delivery is signed (docs/ARCHITECTURE.md §11.33): {@code X-Warrant-Signature: sha256=<hex>} where
 * hex is HMAC-SHA256, keyed with the shared secret, of the ASCII decimal Unix time in seconds of
 * {@code X-Warrant-Timestamp}, a full stop, and the body's bytes exactly as sent. The timestamp inside the MAC lets a
 * receiver refuse replays older than a few minutes.
 */
public final class WebhookSignature {

    public static final String SIGNATURE_HEADER = "X-Warrant-Signature";
    public static final String TIMESTAMP_HEADER = "X-Warrant-Timestamp";
    public static final String DELIVERY_HEADER = "X-Warrant-Delivery";
    static final String PREFIX = "sha256=";

    private WebhookSignature() {
    }

    /** The header value for {@code body} sent at {@code timestampSeconds}. */
    public static String sign(byte[] secret, long timestampSeconds, byte[] body) {
        return PREFIX + HexFormat.of().formatHex(mac(secret, timestampSeconds, body));
    }

    /**
     * What a receiver checks: the signature matches (compared in constant time) and the timestamp is within
     * {@code tolerance} of {@code now} either way.
     */
    public static boolean verify(byte[] secret, String signature, String timestamp, byte[] body, Instant now,
                                 Duration tolerance) {
        if (signature == null || timestamp == null || !signature.startsWith(PREFIX)
                || !timestamp.matches("[0-9]{1,12}")) {
            return false;
        }
        long seconds = Long.parseLong(timestamp);
        if (Math.abs(now.getEpochSecond() - seconds) > tolerance.toSeconds()) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(signature.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(given, mac(secret, seconds, body));
    }

    private static byte[] mac(byte[] secret, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((timestampSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 missing from the JDK", e);
        }
    }
}
