package dev.warrant.gateway.console;

import dev.warrant.gateway.identity.IssuerSettings;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code console.signIn:} sign-in through the identity provider (docs/ARCHITECTURE.md §12.2): OAuth 2.0
 * authorization code with PKCE (RFC 6749, RFC 7636) asking for the gateway's own resource (RFC 8707), so the
 * access token the console receives is the kind an agent presents, verified and mapped to rights the same way.
 *
 * @param issuer           one of {@code identity.issuers}: the gateway accepts its tokens
 * @param clientId         the console's client at the IdP, a confidential one
 * @param clientSecretFile that client's secret (sent as client_secret_basic); read at start
 * @param redirectUri      the console's callback as browsers reach it (behind a load balancer, its public URL),
 *                         registered at the IdP; its path is {@value #CALLBACK_PATH}
 * @param scope            the scopes to ask for (those the mapping turns into console rights); may be empty
 * @throws IllegalArgumentException naming the field ({@code console.signIn.redirectUri: ...}) and what is wrong
 */
public record IdpSignInSettings(String issuer, String clientId, Path clientSecretFile, URI redirectUri,
                                String scope) {

    public static final String CALLBACK_PATH = "/console/login/callback";
    private static final String FIELD = "console.signIn.";

    public IdpSignInSettings {
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException(FIELD + "issuer: required");
        }
        if (clientId == null || clientId.isEmpty() || !clientId.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            throw new IllegalArgumentException(FIELD + "clientId: required, printable ASCII");
        }
        Objects.requireNonNull(clientSecretFile, FIELD + "clientSecretFile: required");
        Objects.requireNonNull(redirectUri, FIELD + "redirectUri: required");
        // The identity settings' rule: literal loopback names and addresses only, no DNS lookup.
        IssuerSettings.httpsOrLoopback(redirectUri, FIELD + "redirectUri");
        if (!CALLBACK_PATH.equals(redirectUri.getRawPath()) || redirectUri.getRawQuery() != null
                || redirectUri.getRawFragment() != null) {
            throw new IllegalArgumentException(FIELD + "redirectUri: its path must be " + CALLBACK_PATH
                    + ", with no query or fragment: " + redirectUri);
        }
        scope = scope == null ? "" : scope.strip();
        // RFC 6749 §3.3: scope tokens are %x21 / %x23-5B / %x5D-7E, separated by single spaces.
        if (!scope.isEmpty() && !scope.matches("[\\x21\\x23-\\x5b\\x5d-\\x7e]+( [\\x21\\x23-\\x5b\\x5d-\\x7e]+)*")) {
            throw new IllegalArgumentException(FIELD + "scope: space-separated scope tokens (RFC 6749 §3.3)");
        }
    }

    /** Parses a redirect URI from the config. */
    public static URI redirectUri(String value) {
        return IssuerSettings.uri(value, FIELD + "redirectUri");
    }
}
