package dev.warrant.gateway.console;

import dev.warrant.delegation.VerifiedToken;

/**
 * A signed-in operator for the length of one request: the verified token behind the sign-in, the sign-in itself,
 * and the cookie value that names it.
 */
record Operator(VerifiedToken token, ConsoleSession session, String cookie) {

    /** Who the audit log and approvals name: the IdP subject for an IdP sign-in, else the token's caller. */
    String name() {
        return token.identity().map(i -> i.subject() + " (" + i.issuer() + ")").orElse(token.caller());
    }

    String csrf() {
        return session.csrf();
    }
}
