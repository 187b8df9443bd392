package dev.warrant.delegation;

import biscuit.format.schema.Schema;
import dev.warrant.delegation.internal.RawToken;
import org.biscuitsec.biscuit.crypto.KeyPair;
import org.biscuitsec.biscuit.token.UnverifiedBiscuit;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Offline attenuation: appends a hop to a token without the root key (the holder's own operation).
 * Nothing here verifies the token; the gateway's {@link Verifier} does that when the token is used.
 */
public final class Delegator {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Delegator() {}

    /**
     * Appends a block built from {@code spec}: {@code delegation(holder, to)} (unless self-attenuation),
     * {@code trace(..)}, the allow-list, argument constraints, expiry and peer checks.
     *
     * @throws IllegalArgumentException if {@code token} is not a readable Warrant token
     */
    public static String attenuate(String token, HopSpec spec, Clock clock) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(clock, "clock");
        byte[] bytes = decode(token);
        Schema.Biscuit raw = parse(bytes);
        String holder = read(raw).holder();
        try {
            UnverifiedBiscuit parent = UnverifiedBiscuit.from_bytes(bytes);
            UnverifiedBiscuit child = parent.attenuate(RANDOM, new KeyPair(RANDOM), HopBlock.build(spec, holder, clock));
            byte[] out = restoreRootKeyId(child.serialize(), RawToken.rootKeyId(raw));
            return Base64.getUrlEncoder().encodeToString(out);
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot attenuate token: " + e.getClass().getSimpleName(), e);
        }
    }

    /** The current holder (last delegatee, else the authority agent), read without verifying the token. */
    public static String holderUnverified(String token) {
        return read(parse(decode(token))).holder();
    }

    /**
     * biscuit-java 4.0.1 drops the root key id on offline attenuation (defect 4). The id is not covered by
     * any signature, so putting the parent's id back is safe and spares verifiers a search of the key ring.
     */
    private static byte[] restoreRootKeyId(byte[] child, OptionalInt parentId) throws Exception {
        if (parentId.isEmpty()) {
            return child;
        }
        Schema.Biscuit parsed = Schema.Biscuit.parseFrom(child);
        if (parsed.hasRootKeyId()) {
            return child;
        }
        return parsed.toBuilder().setRootKeyId(parentId.getAsInt()).build().toByteArray();
    }

    static byte[] decode(String token) {
        Objects.requireNonNull(token, "token");
        try {
            return Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("token is not base64url");
        }
    }

    private static Schema.Biscuit parse(byte[] bytes) {
        try {
            return RawToken.parse(bytes);
        } catch (Exception e) {
            throw new IllegalArgumentException("token is not a Biscuit token");
        }
    }

    static Chain read(Schema.Biscuit raw) {
        try {
            return ChainReader.readStrict(RawToken.facts(raw));
        } catch (TokenException e) {
            throw new IllegalArgumentException("token is not a valid Warrant token: " + e.getMessage());
        }
    }
}
