package dev.warrant.delegation.internal;

import biscuit.format.schema.Schema;
import com.google.protobuf.InvalidProtocolBufferException;
import org.biscuitsec.biscuit.datalog.Check;
import org.biscuitsec.biscuit.datalog.Origin;
import org.biscuitsec.biscuit.datalog.Rule;
import org.biscuitsec.biscuit.datalog.SymbolTable;
import org.biscuitsec.biscuit.datalog.TrustedOrigins;
import org.biscuitsec.biscuit.datalog.World;
import org.biscuitsec.biscuit.error.Error;
import org.biscuitsec.biscuit.token.Authorizer;
import org.biscuitsec.biscuit.token.Biscuit;
import org.biscuitsec.biscuit.token.Policy;
import org.biscuitsec.biscuit.token.UnverifiedBiscuit;

import io.vavr.Tuple2;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a {@link PreparedAuthorizer}: the token loaded by the library itself ({@code Biscuit.authorizer()}:
 * its facts, its rules with their origins, rule validation), then constant authorizer facts, the policy
 * set's facts, rules, checks and policies, each converted once the way the library's {@code Authorizer}
 * converts them on every call ({@code convert_from} with the statement's symbols, then {@code convert} into the
 * authorizer's table). {@link #build} then compiles every rule and query for {@link CompiledRule}, with the
 * origins each may read computed by the library's own {@code TrustedOrigins.fromScopes}, as its Authorizer
 * computes them per call. Not thread safe; used once.
 */
public final class PreparedAuthorizerBuilder {
    /** The library's authorizer passes an empty public-key table and no authorizer scopes; so do we. */
    static final HashMap<Long, List<Long>> NO_PUBLIC_KEYS = new HashMap<>();

    private final SymbolTable symbols;
    private final World world;
    private final List<List<Check>> blockChecks = new ArrayList<>();
    private final List<Check> authorizerChecks = new ArrayList<>();
    private final List<Policy.Kind> policyKinds = new ArrayList<>();
    private final List<List<Rule>> policyQueries = new ArrayList<>();
    private final TrustedOrigins authorizerOrigins = TrustedOrigins.fromScopes(List.of(),
            TrustedOrigins.defaultOrigins(), Long.MAX_VALUE, NO_PUBLIC_KEYS);

    private PreparedAuthorizerBuilder(SymbolTable symbols, World world) {
        this.symbols = symbols;
        this.world = world;
    }

    /**
     * Empty when the token has a third-party block or block scopes (the library then trusts other origins per
     * public key; those tokens keep the library's own Authorizer).
     *
     * @throws Error what {@code Biscuit.authorizer()} throws for this token (e.g. an invalid block rule)
     */
    public static Optional<PreparedAuthorizerBuilder> forToken(Biscuit biscuit) throws Error {
        byte[] bytes = biscuit.serialize();
        try {
            if (!firstPartyWithoutScopes(RawToken.parse(bytes))) {
                return Optional.empty();
            }
        } catch (InvalidProtocolBufferException e) {
            return Optional.empty();
        }
        Authorizer loaded = biscuit.authorizer();
        // The library keeps the token's symbol table private. The same bytes through its own extraction (no
        // signature check: the token was verified already, this only re-reads symbols) give the same table;
        // the Authorizer starts from a copy of it and, with no third-party block, adds nothing.
        SymbolTable tokenSymbols = new SymbolTable();
        UnverifiedBiscuit.from_bytes_with_symbols(bytes, tokenSymbols);
        SymbolTable symbols = new SymbolTable(tokenSymbols);
        PreparedAuthorizerBuilder b = new PreparedAuthorizerBuilder(symbols, new World(loaded.facts(), loaded.rules()));
        for (List<Check> checks : biscuit.checks()) {
            List<Check> converted = new ArrayList<>(checks.size());
            for (Check c : checks) {
                converted.add(org.biscuitsec.biscuit.token.builder.Check.convert_from(c, tokenSymbols).convert(symbols));
            }
            b.blockChecks.add(List.copyOf(converted));
        }
        return Optional.of(b);
    }

    private static boolean firstPartyWithoutScopes(Schema.Biscuit raw) throws InvalidProtocolBufferException {
        if (Schema.Block.parseFrom(raw.getAuthority().getBlock()).getScopeCount() > 0) {
            return false;
        }
        for (Schema.SignedBlock signed : raw.getBlocksList()) {
            if (signed.hasExternalSignature() || Schema.Block.parseFrom(signed.getBlock()).getScopeCount() > 0) {
                return false;
            }
        }
        return true;
    }

    public PreparedAuthorizerBuilder fact(org.biscuitsec.biscuit.token.builder.Fact fact) {
        world.add_fact(Origin.authorizer(), fact.convert(symbols));
        return this;
    }

    public PreparedAuthorizerBuilder fact(org.biscuitsec.biscuit.datalog.Fact fact, SymbolTable from) {
        return fact(org.biscuitsec.biscuit.token.builder.Fact.convert_from(fact, from));
    }

    public PreparedAuthorizerBuilder rule(Rule rule, SymbolTable from) {
        Rule r = org.biscuitsec.biscuit.token.builder.Rule.convert_from(rule, from).convert(symbols);
        world.add_rule(Long.MAX_VALUE, TrustedOrigins.fromScopes(r.scopes(), authorizerOrigins, Long.MAX_VALUE,
                NO_PUBLIC_KEYS), r);
        return this;
    }

    public PreparedAuthorizerBuilder check(Check check, SymbolTable from) {
        authorizerChecks.add(org.biscuitsec.biscuit.token.builder.Check.convert_from(check, from).convert(symbols));
        return this;
    }

    public PreparedAuthorizerBuilder policy(Policy.Kind kind, List<Rule> queries, SymbolTable from) {
        List<Rule> converted = new ArrayList<>(queries.size());
        for (Rule q : queries) {
            converted.add(org.biscuitsec.biscuit.token.builder.Rule.convert_from(q, from).convert(symbols));
        }
        policyKinds.add(kind);
        policyQueries.add(List.copyOf(converted));
        return this;
    }

    /**
     * @throws IllegalArgumentException when the token has more blocks than the prepared path covers
     */
    public PreparedAuthorizer build() {
        int blockCount = blockChecks.size();
        List<PreparedAuthorizer.DerivationRule> rules = new ArrayList<>();
        for (Map.Entry<TrustedOrigins, List<Tuple2<Long, Rule>>> e : world.rules().rules.entrySet()) {
            long trusted = OriginMask.trusted(e.getKey(), blockCount);
            for (Tuple2<Long, Rule> r : e.getValue()) {
                rules.add(new PreparedAuthorizer.DerivationRule(new CompiledRule(r._2, trusted), OriginMask.of(r._1)));
            }
        }
        List<PreparedAuthorizer.PreparedCheck> authorizer = new ArrayList<>();
        for (Check c : authorizerChecks) {
            authorizer.add(compile(c, authorizerOrigins, Long.MAX_VALUE, blockCount));
        }
        List<List<PreparedAuthorizer.PreparedCheck>> blocks = new ArrayList<>();
        for (int block = 0; block < blockCount; block++) {
            TrustedOrigins blockOrigins = TrustedOrigins.fromScopes(List.of(), TrustedOrigins.defaultOrigins(), block,
                    NO_PUBLIC_KEYS);
            List<PreparedAuthorizer.PreparedCheck> checks = new ArrayList<>();
            for (Check c : blockChecks.get(block)) {
                checks.add(compile(c, blockOrigins, block, blockCount));
            }
            blocks.add(List.copyOf(checks));
        }
        List<PreparedAuthorizer.PreparedPolicy> policies = new ArrayList<>();
        for (int i = 0; i < policyKinds.size(); i++) {
            policies.add(new PreparedAuthorizer.PreparedPolicy(policyKinds.get(i),
                    compile(policyQueries.get(i), authorizerOrigins, Long.MAX_VALUE, blockCount)));
        }
        return new PreparedAuthorizer(symbols, FactBase.of(world.facts()), rules, authorizer, blocks, policies);
    }

    private static PreparedAuthorizer.PreparedCheck compile(Check c, TrustedOrigins defaults, long origin,
                                                            int blockCount) {
        return new PreparedAuthorizer.PreparedCheck(c, compile(c.queries(), defaults, origin, blockCount));
    }

    private static List<CompiledRule> compile(List<Rule> queries, TrustedOrigins defaults, long origin,
                                              int blockCount) {
        List<CompiledRule> out = new ArrayList<>(queries.size());
        for (Rule q : queries) {
            TrustedOrigins trusted = TrustedOrigins.fromScopes(q.scopes(), defaults, origin, NO_PUBLIC_KEYS);
            out.add(new CompiledRule(q, OriginMask.trusted(trusted, blockCount)));
        }
        return List.copyOf(out);
    }
}
