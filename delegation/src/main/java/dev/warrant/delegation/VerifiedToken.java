package dev.warrant.delegation;

import dev.warrant.delegation.internal.Datalog;
import org.biscuitsec.biscuit.datalog.RunLimits;
import org.biscuitsec.biscuit.error.Error;
import org.biscuitsec.biscuit.token.Authorizer;
import org.biscuitsec.biscuit.token.Biscuit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import static dev.warrant.delegation.Vocabulary.*;

/**
 * A token whose signatures, canonicity, root key, chain and dates were checked by {@link Verifier}, the only
 * class that can create one (package-private constructor).
 *
 * <p>Concurrency: immutable; the parsed Biscuit is only read. {@link #authorize} builds a fresh Authorizer
 * per call (the library's Authorizer is mutable, defect 6), so one VerifiedToken may be authorized from many
 * threads at once (e.g. cached per token by the gateway).
 */
public final class VerifiedToken {
    private final Biscuit biscuit;
    private final Chain chain;
    private final List<String> revocationIds;
    private final String rootKeyId;

    VerifiedToken(Biscuit biscuit, Chain chain, List<String> revocationIds, String rootKeyId) {
        this.biscuit = biscuit;
        this.chain = chain;
        this.revocationIds = List.copyOf(revocationIds);
        this.rootKeyId = rootKeyId;
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
        try {
            Authorizer authorizer = biscuit.authorizer();
            addRequestFacts(authorizer, request);
            addChainFacts(authorizer);
            policies.applyTo(authorizer);
            authorizer.authorize(new RunLimits(limits.maxFacts(), limits.maxIterations(), limits.maxTime()));
            return Decision.allow();
        } catch (Error e) {
            return Decisions.fromError(e);
        } catch (RuntimeException | StackOverflowError e) {
            return Decision.deny(DenyReason.EVALUATION_ERROR, "authorizer failed: " + e.getClass().getSimpleName());
        }
    }

    private static void addRequestFacts(Authorizer a, RequestFacts r) {
        a.add_fact(Datalog.fact(TIME, Datalog.date(r.time())));
        a.add_fact(Datalog.fact(METHOD, Datalog.str(r.method())));
        a.add_fact(Datalog.fact(REQUEST, Datalog.str(r.kind()), Datalog.str(r.server()), Datalog.str(r.name())));
        a.add_fact(Datalog.fact(SERVER, Datalog.str(r.server())));
        for (Arg arg : r.args()) {
            a.add_fact(Datalog.fact(ARG, Datalog.str(arg.key()), term(arg.value())));
        }
        for (Arg path : r.argPaths()) {
            a.add_fact(Datalog.fact(ARG_PATH, Datalog.str(path.key()), term(path.value())));
        }
        r.risk().ifPresent(tier -> a.add_fact(Datalog.fact(RISK, Datalog.str(tier))));
        r.peer().ifPresent(id -> a.add_fact(Datalog.fact(PEER, Datalog.str(id))));
    }

    private void addChainFacts(Authorizer a) {
        a.add_fact(Datalog.fact(CALLER, Datalog.str(caller())));
        for (String member : chain.members()) {
            a.add_fact(Datalog.fact(CHAIN, Datalog.str(member)));
        }
        a.add_fact(Datalog.fact(DEPTH, Datalog.integer(depth())));
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
