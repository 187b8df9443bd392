package dev.warrant.gateway.auth;

import dev.warrant.delegation.TokenException;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.delegation.Verifier;
import dev.warrant.gateway.cluster.RevocationIndex;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.identity.BearerFormat;
import dev.warrant.gateway.identity.JwtIdentities;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Clock;

/**
 * Bearer token to verified token: cache lookup, else signature and chain verification on a worker thread
 * (≈0.15 ms per block, too slow for the event loop), then the revocation check on every call.
 *
 * <p>Concurrency: called on event loops; the cache and the revocation index are thread-safe. Two concurrent
 * first uses of one token may both verify it; the result is the same and the cost bounded, so no dedup lock.
 */
public final class Authenticator {

    private final Vertx vertx;
    private final Verifier verifier;
    private final VerifiedTokenCache cache;
    private final RevocationIndex revocations;
    private final Clock clock;
    private final int maxTokenLength;
    /** JWT access tokens from the operator's identity providers; null: Biscuit tokens only. */
    private final JwtIdentities identities;

    public Authenticator(Vertx vertx, Verifier verifier, VerifiedTokenCache cache, RevocationIndex revocations,
                         Clock clock, int maxTokenLength) {
        this(vertx, verifier, cache, revocations, clock, maxTokenLength, null);
    }

    /** @param identities how a JWT bearer becomes a token (issue 18's resource server); null to refuse JWTs */
    public Authenticator(Vertx vertx, Verifier verifier, VerifiedTokenCache cache, RevocationIndex revocations,
                         Clock clock, int maxTokenLength, JwtIdentities identities) {
        this.identities = identities;
        this.vertx = vertx;
        this.verifier = verifier;
        this.cache = cache;
        this.revocations = revocations;
        this.clock = clock;
        this.maxTokenLength = maxTokenLength;
    }

    /** Fails with a WarrantException whose reason is an authentication reason (HTTP 401). */
    public Future<VerifiedToken> authenticate(String authorizationHeader) {
        return authenticate(authorizationHeader, null);
    }

    /**
     * Like {@link #authenticate(String)}, first asking the memo of the session the request names (null when it
     * names none): a session's agent usually presents the same token on every request.
     */
    public Future<VerifiedToken> authenticate(String authorizationHeader, BearerMemo memo) {
        String token;
        try {
            token = BearerToken.from(authorizationHeader, maxTokenLength);
        } catch (WarrantException e) {
            return Future.failedFuture(e);
        }
        // A Warrant token is base64url, without a dot; a JWT has two. Its memo entry is good only under the identity
        // mapping it was minted with, so a changed mapping reaches open sessions too.
        boolean maybeJwt = identities != null && token.indexOf('.') >= 0;
        long version = maybeJwt ? identities.mappingVersion() : 0;
        VerifiedToken remembered = memo == null ? null : memo.recall(token, version);
        if (remembered != null) {
            return stillValid(remembered);
        }
        if (maybeJwt && BearerFormat.looksLikeJwt(token)) {
            // An IdP's JWT: verified, mapped and minted once, then cached by the identities themselves.
            return identities.minted(token).compose(minted -> {
                if (memo != null) {
                    memo.remember(token, minted.verified(), minted.mappingVersion());
                }
                return stillValid(minted.verified());
            });
        }
        TokenDigest digest = TokenDigest.of(token);
        VerifiedToken cached = cache.get(digest);
        if (cached != null) {
            if (memo != null) {
                memo.remember(token, cached);
            }
            return stillValid(cached);
        }
        return vertx.<VerifiedToken>executeBlocking(() -> verify(token), false)
                .compose(verified -> {
                    cache.put(digest, verified);
                    if (memo != null) {
                        memo.remember(token, verified);
                    }
                    return stillValid(verified);
                });
    }

    private VerifiedToken verify(String token) {
        try {
            return verifier.verify(token);
        } catch (TokenException e) {
            Reason reason = Reason.fromCode(e.reason().code());
            throw WarrantException.of(reason.isAuthentication() ? reason : Reason.TOKEN_MALFORMED, e.getMessage());
        } catch (RuntimeException e) {
            // Fail closed: a library surprise is a malformed token, never an allow.
            throw WarrantException.of(Reason.TOKEN_MALFORMED, "token could not be read");
        }
    }

    /** Expiry and revocation, checked on every request (and for a token verified elsewhere: token exchange). */
    public Future<VerifiedToken> stillValid(VerifiedToken token) {
        if (!clock.instant().isBefore(token.expiresAt())) {
            return Future.failedFuture(WarrantException.of(Reason.TOKEN_EXPIRED));
        }
        if (revocations.isRevoked(token)) {
            return Future.failedFuture(WarrantException.of(Reason.REVOKED));
        }
        return Future.succeededFuture(token);
    }
}
