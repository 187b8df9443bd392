package dev.warrant.gateway.console;

import java.io.Serializable;

/**
 * One signed-in operator, as the cluster holds it (docs/ARCHITECTURE.md §12.2). The browser holds only a random
 * id; the token it signed in with stays here, server-side, and is authenticated again on every request, so a
 * revoked or expired admin token ends the console session too. Never logged, never sent back to the browser.
 *
 * @param token     the admin Biscuit or IdP JWT the operator signed in with
 * @param csrf      the synchronizer token every state change must carry
 * @param createdAtMillis when the operator signed in
 * @param refreshToken for a sign-in through the IdP that gave one: renews {@code token} when it expires; else null
 */
record ConsoleSession(String token, String csrf, long createdAtMillis, String refreshToken) implements Serializable {

    /** The same sign-in with fresh tokens from the IdP. */
    ConsoleSession renewed(String freshToken, String freshRefreshToken) {
        return new ConsoleSession(freshToken, csrf, createdAtMillis, freshRefreshToken);
    }

    @Override
    public String toString() {
        // A session in a log or a debugger shows no secret.
        return "ConsoleSession[createdAtMillis=" + createdAtMillis + "]";
    }
}
