package dev.warrant.gateway.admin;

import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.TokenException;
import dev.warrant.delegation.TokenInspector;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.delegation.Verifier;
import dev.warrant.gateway.cluster.RevocationIndex;
import dev.warrant.gateway.inspect.TokenExplanation;
import io.vertx.core.json.JsonObject;

import java.time.Clock;

/**
 * The admin token inspector ({@code POST /admin/inspect}): the explanation {@code warrant inspect} gives
 * ({@link TokenExplanation}), and whether this gateway would accept the token, with a stable reason when not.
 * Checked in order, the first failure is the reason: the signatures and chain against the root keys
 * ({@code unknown_root_key}, {@code signature_invalid}, ...), then the dates and limits as the request path applies
 * them ({@code token_expired}, ...), then the revocations ({@code revoked}).
 *
 * <p>The token is a secret: it is used for the length of one call and never stored, logged, audited or put in an
 * answer (the answer has no {@code token} field; the explanation names the token by its revocation ids only).
 * Blocking (signature checks): call it on a worker.
 */
public final class TokenInspection {

    /** The reason when every check passed but the revocation index covers the token. */
    public static final String REVOKED = "revoked";

    private final KeyRing roots;
    private final Verifier verifier;
    private final RevocationIndex revocations;
    private final Clock clock;
    private final int maxTokenLength;

    public TokenInspection(KeyRing roots, Verifier verifier, RevocationIndex revocations, Clock clock,
                           int maxTokenLength) {
        this.roots = roots;
        this.verifier = verifier;
        this.revocations = revocations;
        this.clock = clock;
        this.maxTokenLength = maxTokenLength;
    }

    /**
     * @return the explanation with {@code verified} and, when false, {@code reason} (a stable code) and
     *     {@code signatureValid}
     * @throws AdminRefusal token_too_large (413) or token_malformed (400): nothing to explain
     */
    public JsonObject inspect(String token) {
        if (token.length() > maxTokenLength) {
            throw new AdminRefusal(AdminReason.INSPECTED_TOKEN_TOO_LARGE, "the token is longer than this gateway accepts ("
                    + maxTokenLength + " characters)");
        }
        TokenInspector.Inspection unverified;
        try {
            unverified = TokenInspector.inspectUnverified(token, clock);
        } catch (TokenException e) {
            throw new AdminRefusal(AdminReason.INSPECTED_TOKEN_MALFORMED, "the token cannot be read (" + e.reason().code() + ")");
        }
        TokenInspector.Inspection signed;
        try {
            signed = TokenInspector.inspect(token, roots, clock);
        } catch (TokenException e) {
            return refused(unverified, e.reason().code(), false);
        }
        VerifiedToken accepted;
        try {
            accepted = verifier.verify(token);
        } catch (TokenException e) {
            return refused(signed, e.reason().code(), true);
        }
        if (revocations.isRevoked(accepted)) {
            return refused(signed, REVOKED, true);
        }
        return TokenExplanation.json(signed).put("verified", true).put("signatureValid", true)
                .put("rootKeyId", signed.rootKeyId().orElse(null));
    }

    private static JsonObject refused(TokenInspector.Inspection inspection, String reason, boolean signatureValid) {
        JsonObject json = TokenExplanation.json(inspection).put("verified", false).put("reason", reason)
                .put("signatureValid", signatureValid);
        return signatureValid ? json.put("rootKeyId", inspection.rootKeyId().orElse(null)) : json;
    }
}
