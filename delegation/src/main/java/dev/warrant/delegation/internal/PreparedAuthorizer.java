package dev.warrant.delegation.internal;

import org.biscuitsec.biscuit.datalog.Check;
import org.biscuitsec.biscuit.datalog.RunLimits;
import org.biscuitsec.biscuit.datalog.SymbolTable;
import org.biscuitsec.biscuit.error.Error;
import org.biscuitsec.biscuit.error.FailedCheck;
import org.biscuitsec.biscuit.error.LogicError;
import org.biscuitsec.biscuit.token.Policy;
import org.biscuitsec.biscuit.token.builder.Fact;

import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;

/**
 * One token and one policy set, converted once to the library's datalog form and compiled for evaluation;
 * {@link #authorize} evaluates a request. It does what biscuit-java 4.0.1's {@code Authorizer.authorize(RunLimits)}
 * does, in the same order and with the same errors, minus the per-call work that never changes for a cached
 * token: loading the token into a new world, converting every check and policy from builder objects to
 * datalog, copying the world, and the library's allocation-heavy matching (docs/ARCHITECTURE.md §11.5).
 * Matching is {@link CompiledRule}'s.
 *
 * <p>Only for first-party tokens without block scopes and with at most {@link OriginMask#MAX_BLOCKS} blocks
 * ({@link PreparedAuthorizerBuilder} refuses others): then the library's public-key table is empty and every
 * block trusts the default origins plus itself.
 *
 * <p>Concurrency: nothing here is written after construction. Each call keeps its own facts in a
 * {@link RequestWorld} over the shared {@link FactBase} and interns its strings into its own copy of the
 * symbol table; the shared datalog rules, checks and facts are only read.
 */
public final class PreparedAuthorizer {
    private final SymbolTable symbols;
    private final SymbolIndex symbolIndex;
    private final FactBase facts;
    private final List<DerivationRule> rules;
    private final List<PreparedCheck> authorizerChecks;
    private final List<List<PreparedCheck>> blockChecks;
    private final List<PreparedPolicy> policies;

    /** A rule of the world: derives facts with its own origin (its block, or the authorizer) added. */
    record DerivationRule(CompiledRule rule, long origin) {}

    /** A check: passes when any query matches (one binding, or for check all: every binding). */
    record PreparedCheck(Check source, List<CompiledRule> queries) {}

    record PreparedPolicy(Policy.Kind kind, List<CompiledRule> queries) {}

    PreparedAuthorizer(SymbolTable symbols, FactBase facts, List<DerivationRule> rules,
                       List<PreparedCheck> authorizerChecks, List<List<PreparedCheck>> blockChecks,
                       List<PreparedPolicy> policies) {
        this.symbols = symbols;
        this.symbolIndex = new SymbolIndex(symbols);
        this.facts = facts;
        this.rules = List.copyOf(rules);
        this.authorizerChecks = List.copyOf(authorizerChecks);
        this.blockChecks = List.copyOf(blockChecks);
        this.policies = List.copyOf(policies);
    }

    /** Index of the allow policy that matched; throws the library's errors exactly as its Authorizer would. */
    public long authorize(List<RequestFact> requestFacts, RunLimits limits) throws Error {
        Deadline deadline = new Deadline(limits.maxTime);
        RequestWorld world = new RequestWorld(facts);
        SymbolTable symbols = new SymbolTable(this.symbols);
        SymbolIndex.Converter converter = symbolIndex.converter(symbols);
        for (RequestFact f : requestFacts) {
            world.add(OriginMask.AUTHORIZER, converter.fact(f));
        }
        run(world, limits, symbols, deadline);

        List<FailedCheck> errors = new LinkedList<>();
        for (int i = 0; i < authorizerChecks.size(); i++) {
            PreparedCheck c = authorizerChecks.get(i);
            if (!passes(world, c, symbols, deadline)) {
                errors.add(new FailedCheck.FailedAuthorizer(i, symbols.print_check(c.source())));
            }
        }
        blockErrors(world, 0, symbols, deadline, errors);

        Integer allow = null;
        Integer deny = null;
        policies:
        for (int i = 0; i < policies.size(); i++) {
            for (CompiledRule query : policies.get(i).queries()) {
                boolean res = query.matchAny(world, symbols);
                deadline.check();
                if (res) {
                    if (policies.get(i).kind() == Policy.Kind.Allow) {
                        allow = i;
                    } else {
                        deny = i;
                    }
                    break policies;
                }
            }
        }

        for (int block = 1; block < blockChecks.size(); block++) {
            blockErrors(world, block, symbols, deadline, errors);
        }

        if (allow != null) {
            if (errors.isEmpty()) {
                return allow.longValue();
            }
            throw new Error.FailedLogic(new LogicError.Unauthorized(new LogicError.MatchedPolicy.Allow(allow), errors));
        }
        if (deny != null) {
            throw new Error.FailedLogic(new LogicError.Unauthorized(new LogicError.MatchedPolicy.Deny(deny), errors));
        }
        throw new Error.FailedLogic(new LogicError.NoMatchingPolicy(errors));
    }

    /**
     * {@code World.run}: applies every rule to the facts known at the start of a round, merges what they
     * derived, and stops at the fixpoint; same fact, iteration and time limits.
     */
    private void run(RequestWorld world, RunLimits limits, SymbolTable symbols, Deadline deadline) throws Error {
        if (rules.isEmpty()) {
            return;
        }
        int iterations = 0;
        List<FactBase.Entry> derived = new ArrayList<>();
        while (true) {
            derived.clear();
            for (DerivationRule r : rules) {
                r.rule().derive(world, r.origin(), symbols, derived, deadline);
            }
            int before = world.size();
            for (FactBase.Entry e : derived) {
                world.add(e);
            }
            if (world.size() == before) {
                return;
            }
            if (world.size() >= limits.maxFacts) {
                throw new Error.TooManyFacts();
            }
            iterations += 1;
            if (iterations >= limits.maxIterations) {
                throw new Error.TooManyIterations();
            }
        }
    }

    private void blockErrors(RequestWorld world, int block, SymbolTable symbols, Deadline deadline,
                             List<FailedCheck> errors) throws Error {
        List<PreparedCheck> checks = blockChecks.get(block);
        for (int j = 0; j < checks.size(); j++) {
            PreparedCheck c = checks.get(j);
            if (!passes(world, c, symbols, deadline)) {
                errors.add(new FailedCheck.FailedBlock(block, j, symbols.print_check(c.source())));
            }
        }
    }

    /** One check: any of its queries succeeds (all matches satisfy it, for check all). */
    private static boolean passes(RequestWorld world, PreparedCheck c, SymbolTable symbols, Deadline deadline)
            throws Error {
        for (CompiledRule query : c.queries()) {
            boolean res = switch (c.source().kind()) {
                case One -> query.matchAny(world, symbols);
                case All -> query.matchAll(world, symbols);
            };
            deadline.check();
            if (res) {
                return true;
            }
        }
        return false;
    }
}
