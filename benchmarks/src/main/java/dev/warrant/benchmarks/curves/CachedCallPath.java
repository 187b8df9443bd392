package dev.warrant.benchmarks.curves;

import dev.warrant.delegation.AuthorizationLimits;
import dev.warrant.delegation.PolicySet;
import dev.warrant.delegation.TokenException;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.auth.TokenDigest;
import dev.warrant.gateway.auth.VerifiedTokenCache;
import dev.warrant.gateway.cluster.LocalRevocationIndex;
import dev.warrant.gateway.upstream.ToolCatalogView;
import dev.warrant.gateway.upstream.ToolEntry;
import dev.warrant.policies.ArgumentLimits;
import dev.warrant.policies.Operation;
import dev.warrant.policies.PolicyEngine;
import dev.warrant.policies.Verdict;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What the gateway does per tools/call once a token is in its verified-token cache, with the gateway's own
 * classes and in the same order as {@code Authenticator} (cache hit) and {@code AuthorizeStage}: SHA-256 digest of
 * the bearer text, cache lookup, expiry, revocation index, catalog lookup, policy decision. Left out: HTTP,
 * JSON parsing, spans and metrics, which do not depend on the curves' parameters.
 */
final class CachedCallPath {

    static final Map<String, Object> ARGUMENTS = Map.of("path", "/notes/2026/plan.md", "max_bytes", 65536);

    final VerifiedTokenCache cache = new VerifiedTokenCache(100_000, Duration.ofHours(24), CurveTokens.CLOCK);
    final LocalRevocationIndex revocations;
    final ToolCatalogView catalog;
    final PolicyEngine engine;
    private final String exposedTool;

    CachedCallPath(PolicySet policies, LocalRevocationIndex revocations, ToolCatalogView catalog) {
        this.revocations = revocations;
        this.catalog = catalog;
        this.engine = new PolicyEngine(policies, AuthorizationLimits.defaults(), ArgumentLimits.defaults(), CurveTokens.CLOCK);
        this.exposedTool = ToolEntry.expose(CurveTokens.SERVER, CurveTokens.TOOL);
    }

    /** A path with {@code policies}, an empty revocation index and a catalog of the one tool called. */
    static CachedCallPath simple(PolicySet policies) {
        return new CachedCallPath(policies, new LocalRevocationIndex(), ToolCatalogs.withTools(1));
    }

    /** Calls that were not allowed (the authorizer's 5 ms run limit, on a cold JVM or a very large policy set). */
    long notAllowed;
    long calls;

    /**
     * Verifies {@code token} once (the first call's worker-thread step), fills the cache, and calls until the
     * request is allowed: the first calls of a cold JVM can exceed the authorizer's 5 ms time limit
     * (FIELD-NOTES), which is a deny. Fails when the request is never allowed, so every curve measures allows.
     */
    CachedCallPath warm(String token) throws TokenException {
        cache.put(TokenDigest.of(token), CurveTokens.VERIFIER.verify(token));
        Verdict last = null;
        for (int i = 0; i < 2_000 && (last == null || !last.allowed()); i++) {
            last = call(token);
        }
        if (!last.allowed()) {
            throw new IllegalStateException("the curve's request must be allowed, got " + last.reason() + ": " + last.detail());
        }
        notAllowed = 0;
        calls = 0;
        return this;
    }

    Verdict call(String token) {
        VerifiedToken verified = cache.get(TokenDigest.of(token));
        if (verified == null) {
            throw new IllegalStateException("token not cached");
        }
        Verdict verdict = decide(verified);
        calls++;
        if (!verdict.allowed()) {
            notAllowed++;
        }
        return verdict;
    }

    /** Prints (into the JMH log) how many measured calls were refused; they cost at most the time limit. */
    void reportRefusals(String curve) {
        if (notAllowed > 0) {
            System.out.printf("%n%s: %d of %d calls were refused (authorizer time limit)%n", curve, notAllowed, calls);
        }
    }

    /** The part after the cache: expiry, revocation, catalog, policy. */
    Verdict decide(VerifiedToken verified) {
        if (!CurveTokens.NOW.isBefore(verified.expiresAt())) {
            return Verdict.deny("token_expired", "");
        }
        if (revocations.isRevoked(verified)) {
            return Verdict.deny("token_revoked", "");
        }
        ToolEntry tool = catalog.find(exposedTool);
        if (tool == null) {
            return Verdict.deny("unknown_tool", exposedTool);
        }
        return engine.decide(verified, Operation.callTool(tool.server(), tool.name(), ARGUMENTS, tool.risk(),
                Optional.empty()));
    }
}
