package dev.warrant.gateway.auth;

import dev.warrant.delegation.VerifiedToken;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;


/**
 * The last bearer token a session presented and what it verified to, so the session's next request with the
 * same token skips the SHA-256 that keys the shared cache (a large share of a cached call's CPU:
 * docs/PERFORMANCE-HISTORY.md). A hit needs the presented token to be byte-for-byte the remembered one, compared in
 * constant time: knowing a session id gains nothing, and there is no hash to collide. Expiry and revocation are
 * still checked on every request by the caller.
 *
 * <p>Concurrency: one immutable entry behind a volatile field; a racing write loses nothing but a memo.
 */
public final class BearerMemo {

    /** Eight bytes of a byte array at a time, for the comparison below. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * The remembered token as its ASCII bytes (a token with any other character is never remembered), and the
     * version of what it was derived under (an IdP JWT's identity mapping; 0 for a Warrant token).
     */
    private record Entry(byte[] bearer, VerifiedToken token, long version) {
    }

    private volatile Entry entry;
    /** Whose token this memo may hold: the session's owner only, so another caller cannot displace it. */
    private final Predicate<VerifiedToken> owner;

    /** A memo that remembers any verified token (no session to protect). */
    public BearerMemo() {
        this(token -> true);
    }

    public BearerMemo(Predicate<VerifiedToken> owner) {
        this.owner = owner;
    }

    /** The verified token if {@code bearer} is exactly the remembered one, else null. */
    VerifiedToken recall(String bearer) {
        return recall(bearer, 0);
    }

    /** As {@link #recall(String)}, and only if it was remembered under {@code version}. */
    VerifiedToken recall(String bearer, long version) {
        Entry e = entry;
        if (e == null || e.version() != version || e.bearer().length != bearer.length()) {
            return null;
        }
        // ISO-8859-1 maps a character beyond it to '?', which a remembered token never holds: equal bytes are
        // equal strings.
        return sameInConstantTime(e.bearer(), bearer.getBytes(StandardCharsets.ISO_8859_1)) ? e.token() : null;
    }

    void remember(String bearer, VerifiedToken token) {
        remember(bearer, token, 0);
    }

    void remember(String bearer, VerifiedToken token, long version) {
        if (!owner.test(token)) {
            return; // another caller naming this session: SessionStage refuses it; it must not evict the owner's
        }
        for (int i = 0; i < bearer.length(); i++) {
            char c = bearer.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '?') {
                return; // not a token's base64url; never the case for one that verified
            }
        }
        entry = new Entry(bearer.getBytes(StandardCharsets.ISO_8859_1), token, version);
    }

    /**
     * Whether two byte arrays of equal length are equal, looking at every byte whatever the first difference,
     * eight at a time: a loop over chars was not kept inlined under load (docs/PERFORMANCE-HISTORY.md).
     */
    static boolean sameInConstantTime(byte[] a, byte[] b) {
        long difference = 0;
        int i = 0;
        for (; i + Long.BYTES <= a.length; i += Long.BYTES) {
            difference |= (long) LONGS.get(a, i) ^ (long) LONGS.get(b, i);
        }
        for (; i < a.length; i++) {
            difference |= a[i] ^ b[i];
        }
        return difference == 0;
    }
}
