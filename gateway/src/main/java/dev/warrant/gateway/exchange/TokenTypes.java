package dev.warrant.gateway.exchange;

import java.util.Set;

/** The RFC 8693 vocabulary Warrant's token exchange speaks, in one place. */
public final class TokenTypes {

    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
    public static final String JWT = "urn:ietf:params:oauth:token-type:jwt";
    public static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";
    /** Warrant's own token type: what the exchange issues, and a subject or actor it accepts. */
    public static final String BISCUIT = "urn:warrant:params:oauth:token-type:biscuit";

    /**
     * An actor known by this connection's verified client certificate (mTLS): the actor token is that
     * certificate's URI SAN, e.g. {@code spiffe://example.org/summarizer}.
     */
    public static final String MTLS_PEER = "urn:warrant:params:oauth:token-type:mtls-peer";

    /** Types whose token is an IdP's JWT access token. */
    static final Set<String> JWT_TYPES = Set.of(JWT, ACCESS_TOKEN);
    static final Set<String> ALL = Set.of(JWT, ACCESS_TOKEN, BISCUIT, MTLS_PEER);

    private TokenTypes() {
    }
}
