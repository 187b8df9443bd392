package dev.warrant.delegation;

import dev.warrant.delegation.internal.Datalog;
import dev.warrant.delegation.internal.PreparedAuthorizer;
import dev.warrant.delegation.internal.RequestFact;
import dev.warrant.delegation.internal.PreparedAuthorizerBuilder;
import org.biscuitsec.biscuit.datalog.RunLimits;
import org.biscuitsec.biscuit.error.Error;
import org.biscuitsec.biscuit.token.Authorizer;
import org.biscuitsec.biscuit.token.Biscuit;
import org.biscuitsec.biscuit.token.builder.Fact;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import static dev.warrant.delegation.Vocabulary.*;

/**
 * A token whose signatures, canonicity, root key, chain and dates were checked by {@link Verifier}, the only
 * class that can create one (package-private constructor).
 *
 * <p>Concurrency: the parsed Biscuit is only read. {@link #authorize} evaluates each call with its own facts over
 * a shared {@link PreparedAuthorizer} (the token and policy set converted once, then only read), or on a fresh library
 * Authorizer for tokens the prepared path does not cover (the library's Authorizer is mutable, defect 6), so
 * one VerifiedToken may be authorized from many threads at once (e.g. cached per token by the gateway).
 */
public final class VerifiedToken {
    private final Biscuit biscuit;
    private final Chain chain;
    private final List<String> revocationIds;
    private final String rootKeyId;
    private final String grant;
    private volatile Prepared prepared;

    VerifiedToken(Biscuit biscuit, Chain chain, List<String> revocationIds, String rootKeyId) {
        this.biscuit = biscuit;
        this.chain = chain;
        this.revocationIds = List.copyOf(revocationIds);
        this.rootKeyId = rootKeyId;
        this.grant = chain.identity().map(VerifiedToken::identityGrant).orElse(this.revocationIds.get(0));
    }

    /**
     * What this token was granted under, the key of session ownership and per-grant quotas: the authority block's
     * revocation id (shared by every token delegated from it), or, for a token the gateway minted for an IdP
     * identity, that identity, so that minting again for it (another member, an expired mint, a fresh JWT) keeps
     * the same grant.
     */
    public String grant() {
        return grant;
    }

    private static String identityGrant(Identity identity) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(
                    identity.key().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "identity:" + dev.warrant.delegation.internal.Hex.encode(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /** The authority agent (the identity the issuer minted the token for). */
    public String agent() {
        return chain.agent();
    }

    /** The last delegatee, else the agent: who is calling. */
    public String caller() {
        return chain.holder();
    }

    /** The agent, then each delegatee in order. */
    public List<String> chain() {
        return chain.members();
    }

    /** Number of delegation hops (self-attenuations do not count). */
    public int depth() {
        return chain.depth();
    }

    public Optional<String> task() {
        return chain.task();
    }

    /** The IdP identity the token was minted for, when the gateway minted it from a verified JWT. */
    public Optional<Identity> identity() {
        return chain.identity();
    }

    public Instant issuedAt() {
        return chain.issuedAt().orElseThrow();
    }

    public Instant expiresAt() {
        return chain.expiresAt().orElseThrow();
    }

    /** Lowercase hex, one per block, authority first (same strings as the Rust reference). */
    public List<String> revocationIds() {
        return revocationIds;
    }

    /** The trace(...) of each block that has one, in block order. */
    public List<String> traceContexts() {
        return chain.traceContexts();
    }

    public int blockCount() {
        return revocationIds.size();
    }

    /** The key id of the ring key that verified the token. */
    public String rootKeyId() {
        return rootKeyId;
    }

    /**
     * Decides one request. Fail closed: any failure of the evaluation is a deny with its reason.
     */
    public Decision authorize(RequestFacts request, PolicySet policies, AuthorizationLimits limits) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(policies, "policies");
        Objects.requireNonNull(limits, "limits");
        return decide(request, policies, limits, true);
    }

    /** Always the library's own Authorizer: the reference the prepared path is tested against. */
    Decision authorizeWithLibrary(RequestFacts request, PolicySet policies, AuthorizationLimits limits) {
        return decide(request, policies, limits, false);
    }

    private Decision decide(RequestFacts request, PolicySet policies, AuthorizationLimits limits, boolean mayPrepare) {
        try {
            List<RequestFact> requestFacts = requestFacts(request);
            RunLimits runLimits = new RunLimits(limits.maxFacts(), limits.maxIterations(), limits.maxTime());
            PreparedAuthorizer prepared = mayPrepare ? prepared(policies) : null;
            long allowPolicy;
            if (prepared != null) {
                allowPolicy = prepared.authorize(requestFacts, runLimits);
            } else {
                Authorizer authorizer = biscuit.authorizer();
                requestFacts.forEach(f -> authorizer.add_fact(f.toFact()));
                chainFacts().forEach(authorizer::add_fact);
                policies.applyTo(authorizer);
                allowPolicy = authorizer.authorize(runLimits);
            }
            return Decisions.allowedBy(allowPolicy, policies);
        } catch (Error e) {
            return Decisions.fromError(e, policies);
        } catch (RuntimeException | StackOverflowError e) {
            return Decision.deny(DenyReason.EVALUATION_ERROR, "authorizer failed: " + e.getClass().getSimpleName());
        }
    }

    /**
     * The token and this policy set converted once (null: this token needs the library's own Authorizer).
     * Kept for the last policy set used, which the gateway replaces only on a reload. Two threads may both
     * prepare on a miss; either result is correct and immutable, so the last write simply wins.
     */
    private PreparedAuthorizer prepared(PolicySet policies) {
        Prepared p = prepared;
        if (p == null || p.policies() != policies) {
            p = new Prepared(policies, prepare(policies));
            prepared = p;
        }
        return p.authorizer();
    }

    private PreparedAuthorizer prepare(PolicySet policies) {
        try {
            Optional<PreparedAuthorizerBuilder> builder = PreparedAuthorizerBuilder.forToken(biscuit);
            if (builder.isEmpty()) {
                return null;
            }
            chainFacts().forEach(builder.get()::fact);
            policies.addTo(builder.get());
            return builder.get().build();
        } catch (Error | RuntimeException | StackOverflowError e) {
            // The library's path then reports the same failure as a decision, on every call.
            return null;
        }
    }

    /** For tests: whether calls with this policy set take the prepared path. */
    boolean usesPreparedPath(PolicySet policies) {
        return prepared(policies) != null;
    }

    private record Prepared(PolicySet policies, PreparedAuthorizer authorizer) {}

    private static List<RequestFact> requestFacts(RequestFacts r) {
        List<RequestFact> facts = new ArrayList<>();
        facts.add(RequestFact.of(TIME, Datalog.date(r.time())));
        facts.add(RequestFact.of(METHOD, Datalog.str(r.method())));
        facts.add(RequestFact.of(REQUEST, Datalog.str(r.kind()), Datalog.str(r.server()), Datalog.str(r.name())));
        facts.add(RequestFact.of(SERVER, Datalog.str(r.server())));
        for (Arg arg : r.args()) {
            facts.add(RequestFact.of(ARG, Datalog.str(arg.key()), term(arg.value())));
        }
        for (Arg path : r.argPaths()) {
            facts.add(RequestFact.of(ARG_PATH, Datalog.str(path.key()), term(path.value())));
        }
        r.risk().ifPresent(tier -> facts.add(RequestFact.of(RISK, Datalog.str(tier))));
        r.peer().ifPresent(id -> facts.add(RequestFact.of(PEER, Datalog.str(id))));
        return facts;
    }

    private List<Fact> chainFacts() {
        List<Fact> facts = new ArrayList<>();
        facts.add(Datalog.fact(CALLER, Datalog.str(caller())));
        for (String member : chain.members()) {
            facts.add(Datalog.fact(CHAIN, Datalog.str(member)));
        }
        facts.add(Datalog.fact(DEPTH, Datalog.integer(depth())));
        return facts;
    }

    private static org.biscuitsec.biscuit.token.builder.Term term(Object value) {
        if (value instanceof String s) {
            return Datalog.str(s);
        } else if (value instanceof Long n) {
            return Datalog.integer(n);
        }
        return Datalog.bool((Boolean) value);
    }

    @Override
    public String toString() {
        return "VerifiedToken[caller=" + caller() + ", chain=" + chain() + ", expires=" + expiresAt() + "]";
    }
}
