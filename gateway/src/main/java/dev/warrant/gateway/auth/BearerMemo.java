package dev.warrant.gateway.auth;

import dev.warrant.delegation.VerifiedToken;


/**
 * The last bearer token a session presented and what it verified to, so the session's next request with the
 * same token skips the SHA-256 that keys the shared cache (9 % of the gateway's CPU under load, see
 * docs/PERFORMANCE.md). A hit needs the presented token to be byte-for-byte the remembered one, compared in
 * constant time: knowing a session id gains nothing, and there is no hash to collide. Expiry and revocation are
 * still checked on every request by the caller.
 *
 * <p>Concurrency: one immutable entry behind a volatile field; a racing write loses nothing but a memo.
 */
public final class BearerMemo {

    private record Entry(String bearer, VerifiedToken token) {
    }

    private volatile Entry entry;

    /** The verified token if {@code bearer} is exactly the remembered one, else null. */
    VerifiedToken recall(String bearer) {
        Entry e = entry;
        if (e == null || e.bearer().length() != bearer.length()) {
            return null;
        }
        return sameInConstantTime(e.bearer(), bearer) ? e.token() : null;
    }

    void remember(String bearer, VerifiedToken token) {
        entry = new Entry(bearer, token);
    }

    /**
     * Whether two strings of equal length are equal, looking at every character whatever the first difference.
     * Char by char rather than {@code MessageDigest.isEqual} on their bytes: that needed a copy of the ~2 kB
     * token per request, and the two together were 3 % of the event loop's samples at 16 agents.
     */
    static boolean sameInConstantTime(String a, String b) {
        int difference = 0;
        for (int i = 0; i < a.length(); i++) {
            difference |= a.charAt(i) ^ b.charAt(i);
        }
        return difference == 0;
    }
}
