package dev.warrant.gateway.modern;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * The {@code requestState} Warrant hands a 2026-07-28 agent with an {@code input_required} result, sealed
 * (AES-256-GCM under a key the cluster shares) so the agent can neither read nor change it. Inside: what the
 * round is bound to (the grant and caller that asked, the method, the target, the upstream, the arguments'
 * digest), the upstream's own state to send back, the exchange's correlation id and round, and an expiry. A
 * retry is accepted only with the same binding, before the expiry: another caller cannot replay it, and it cannot
 * be steered to another tool, upstream or argument set. Any failure is one reason, {@code request_state_invalid},
 * whatever was wrong (a forger learns nothing from the answer).
 *
 * <p>Not single-use: a retry may be sent twice (the revision leaves one-time semantics to the server's own
 * work); every round is authorized and audited like any request.
 */
public final class RequestStates {

    /** How long an agent has to answer; the upstream's own timeout bounds a call it keeps waiting anyway. */
    public static final Duration TTL = Duration.ofMinutes(10);
    private static final String PREFIX = "w1.";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] AAD = "warrant/request-state/v1".getBytes(StandardCharsets.US_ASCII);

    /** What a round is bound to: the retry must present the same. */
    public record Binding(String grant, String caller, String method, String target, String upstream,
                          String argumentsDigest) {
        public Binding {
            Objects.requireNonNull(grant);
            Objects.requireNonNull(method);
            Objects.requireNonNull(upstream);
        }
    }

    /**
     * One sealed round.
     *
     * @param upstreamState the upstream's own {@code requestState} to send back, or null when it gave none
     * @param parked        the id of an upstream call kept waiting on this member for the answers, or null
     */
    public record State(Binding binding, String correlationId, int round, String upstreamState, String parked,
                        Instant expires) {
    }

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    /** @param key 32 bytes, the same on every member */
    public RequestStates(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("request-state key must be 32 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
    }

    public String seal(State state) {
        JsonObject claims = new JsonObject()
                .put("g", state.binding().grant()).put("c", state.binding().caller())
                .put("m", state.binding().method()).put("t", state.binding().target())
                .put("u", state.binding().upstream()).put("a", state.binding().argumentsDigest())
                .put("r", state.correlationId()).put("n", state.round())
                .put("s", state.upstreamState()).put("p", state.parked())
                .put("e", state.expires().getEpochSecond());
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(AAD);
            byte[] sealed = cipher.doFinal(claims.encode().getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[nonce.length + sealed.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
            return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java platform", e);
        }
    }

    /**
     * Opens a state an agent sent back and checks it against the retry's own binding.
     *
     * @throws WarrantException {@link Reason#REQUEST_STATE_INVALID} when it is not ours, was changed, has expired,
     *     or belongs to another caller, method, target, upstream or set of arguments
     */
    public State open(Object sent, Binding expected, Instant now) {
        JsonObject claims = decrypt(sent);
        Binding bound;
        State state;
        try {
            bound = new Binding(claims.getString("g"), claims.getString("c"), claims.getString("m"),
                    claims.getString("t"), claims.getString("u"), claims.getString("a"));
            state = new State(bound, claims.getString("r"), claims.getInteger("n"), claims.getString("s"),
                    claims.getString("p"), Instant.ofEpochSecond(claims.getLong("e")));
        } catch (RuntimeException e) {
            throw invalid();
        }
        if (!bound.equals(expected) || !now.isBefore(state.expires())) {
            throw invalid();
        }
        return state;
    }

    private JsonObject decrypt(Object sent) {
        if (!(sent instanceof String s) || !s.startsWith(PREFIX) || s.length() > 64 * 1024) {
            throw invalid();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(s.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        // Shorter than a nonce and a tag: the cipher would not even try (and throws a ProviderException).
        if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
            throw invalid();
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
            cipher.updateAAD(AAD);
            byte[] plain = cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
            return new JsonObject(new String(plain, StandardCharsets.UTF_8));
        } catch (AEADBadTagException | DecodeException e) {
            throw invalid();
        } catch (GeneralSecurityException | RuntimeException e) {
            // Whatever the cipher makes of attacker-chosen bytes, the answer is the same refusal.
            throw invalid();
        }
    }

    /**
     * A digest of a request's arguments that does not depend on key order, so the same arguments retried by a
     * client that rebuilt its JSON still match.
     */
    public static String digest(Object arguments) {
        String canonical = io.vertx.core.json.Json.encode(sorted(arguments));
        byte[] hash = SHA_256.get().digest(canonical.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    }

    /** One SHA-256 per thread: {@code getInstance} walks the security providers on every call. */
    private static final ThreadLocal<java.security.MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    });

    private static Object sorted(Object value) {
        if (value instanceof JsonObject o) {
            java.util.TreeMap<String, Object> map = new java.util.TreeMap<>();
            o.forEach(e -> map.put(e.getKey(), sorted(e.getValue())));
            return map;
        }
        if (value instanceof java.util.Map<?, ?> m) {
            java.util.TreeMap<String, Object> map = new java.util.TreeMap<>();
            m.forEach((k, v) -> map.put(String.valueOf(k), sorted(v)));
            return map;
        }
        if (value instanceof io.vertx.core.json.JsonArray a) {
            return a.stream().map(RequestStates::sorted).toList();
        }
        if (value instanceof java.util.List<?> l) {
            return l.stream().map(RequestStates::sorted).toList();
        }
        return value;
    }

    private static WarrantException invalid() {
        return WarrantException.of(Reason.REQUEST_STATE_INVALID);
    }
}
