package dev.warrant.delegation.internal;

import org.biscuitsec.biscuit.datalog.Check;
import org.biscuitsec.biscuit.datalog.Origin;
import org.biscuitsec.biscuit.datalog.Rule;
import org.biscuitsec.biscuit.datalog.RunLimits;
import org.biscuitsec.biscuit.datalog.SymbolTable;
import org.biscuitsec.biscuit.datalog.TrustedOrigins;
import org.biscuitsec.biscuit.datalog.World;
import org.biscuitsec.biscuit.error.Error;
import org.biscuitsec.biscuit.error.FailedCheck;
import org.biscuitsec.biscuit.error.LogicError;
import org.biscuitsec.biscuit.token.Policy;
import org.biscuitsec.biscuit.token.builder.Fact;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;

/**
 * One token and one policy set, converted once to the library's datalog form; {@link #authorize} evaluates a
 * request against a copy. It does what biscuit-java 4.0.1's {@code Authorizer.authorize(RunLimits)} does, in
 * the same order and with the same errors, minus the per-call work that never changes for a cached token:
 * loading the token into a new world, and converting every check and policy (the policy set's and the
 * token's) from builder objects to datalog, which was ~30 % of a call (docs/PERFORMANCE.md).
 *
 * <p>Only for first-party tokens without block scopes ({@link PreparedAuthorizerBuilder} refuses others): then
 * the library's public-key table is empty and every block trusts the default origins plus itself.
 *
 * <p>Concurrency: nothing here is written after construction. Each call copies the world (facts and the
 * rule lists) and the symbol table, and only the copies are mutated. Shared datalog rules, checks and facts
 * are only read by the library's evaluation (it clones a rule head before binding it and clones fact
 * origins before extending them).
 */
public final class PreparedAuthorizer {
    /** The library's authorizer passes an empty public-key table and no authorizer scopes; so do we. */
    static final HashMap<Long, List<Long>> NO_PUBLIC_KEYS = new HashMap<>();

    private final SymbolTable symbols;
    private final World world;
    private final List<Check> authorizerChecks;
    private final List<List<Check>> blockChecks;
    private final List<PreparedPolicy> policies;

    record PreparedPolicy(Policy.Kind kind, List<Rule> queries) {}

    PreparedAuthorizer(SymbolTable symbols, World world, List<Check> authorizerChecks, List<List<Check>> blockChecks,
                       List<PreparedPolicy> policies) {
        this.symbols = symbols;
        this.world = world;
        this.authorizerChecks = List.copyOf(authorizerChecks);
        this.blockChecks = List.copyOf(blockChecks);
        this.policies = List.copyOf(policies);
    }

    /** Index of the allow policy that matched; throws the library's errors exactly as its Authorizer would. */
    public long authorize(List<Fact> requestFacts, RunLimits limits) throws Error {
        World world = new World(this.world);
        SymbolTable symbols = new SymbolTable(this.symbols);
        for (Fact f : requestFacts) {
            world.add_fact(Origin.authorizer(), f.convert(symbols));
        }

        Instant timeLimit = Instant.now().plus(limits.maxTime);
        List<FailedCheck> errors = new LinkedList<>();
        TrustedOrigins authorizerOrigins = TrustedOrigins.fromScopes(List.of(), TrustedOrigins.defaultOrigins(),
                Long.MAX_VALUE, NO_PUBLIC_KEYS);

        world.run(limits, symbols);

        for (int i = 0; i < authorizerChecks.size(); i++) {
            Check c = authorizerChecks.get(i);
            if (!passes(world, c, authorizerOrigins, Long.MAX_VALUE, symbols, timeLimit)) {
                errors.add(new FailedCheck.FailedAuthorizer(i, symbols.print_check(c)));
            }
        }
        blockErrors(world, 0, symbols, timeLimit, errors);

        Integer allow = null;
        Integer deny = null;
        policies:
        for (int i = 0; i < policies.size(); i++) {
            for (Rule query : policies.get(i).queries()) {
                TrustedOrigins origins = TrustedOrigins.fromScopes(query.scopes(), authorizerOrigins, Long.MAX_VALUE,
                        NO_PUBLIC_KEYS);
                boolean res = world.query_match(query, Long.MAX_VALUE, origins, symbols);
                timeCheck(timeLimit);
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
            blockErrors(world, block, symbols, timeLimit, errors);
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

    private void blockErrors(World world, int block, SymbolTable symbols, Instant timeLimit, List<FailedCheck> errors)
            throws Error {
        TrustedOrigins blockOrigins = TrustedOrigins.fromScopes(List.of(), TrustedOrigins.defaultOrigins(), block,
                NO_PUBLIC_KEYS);
        List<Check> checks = blockChecks.get(block);
        for (int j = 0; j < checks.size(); j++) {
            Check c = checks.get(j);
            if (!passes(world, c, blockOrigins, block, symbols, timeLimit)) {
                errors.add(new FailedCheck.FailedBlock(block, j, symbols.print_check(c)));
            }
        }
    }

    /** One check: any of its queries succeeds (all matches satisfy it, for check all). */
    private static boolean passes(World world, Check c, TrustedOrigins defaultOrigins, long origin,
                                  SymbolTable symbols, Instant timeLimit) throws Error {
        for (Rule query : c.queries()) {
            TrustedOrigins origins = TrustedOrigins.fromScopes(query.scopes(), defaultOrigins, origin, NO_PUBLIC_KEYS);
            boolean res = switch (c.kind()) {
                case One -> world.query_match(query, origin, origins, symbols);
                case All -> world.query_match_all(query, origins, symbols);
            };
            timeCheck(timeLimit);
            if (res) {
                return true;
            }
        }
        return false;
    }

    private static void timeCheck(Instant timeLimit) throws Error.Timeout {
        if (Instant.now().compareTo(timeLimit) >= 0) {
            throw new Error.Timeout();
        }
    }
}
