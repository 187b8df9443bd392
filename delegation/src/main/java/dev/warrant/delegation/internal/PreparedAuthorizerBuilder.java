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

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds a {@link PreparedAuthorizer}: the token loaded by the library itself ({@code Biscuit.authorizer()}:
 * its facts, its rules with their origins, rule validation), then constant authorizer facts, the policy
 * set's facts, rules, checks and policies, each converted once the way the library's {@code Authorizer}
 * converts them on every call ({@code convert_from} with the statement's symbols, then {@code convert} into the
 * authorizer's table). Not thread safe; used once.
 */
public final class PreparedAuthorizerBuilder {
    private final SymbolTable symbols;
    private final World world;
    private final List<List<Check>> blockChecks = new ArrayList<>();
    private final List<Check> authorizerChecks = new ArrayList<>();
    private final List<PreparedAuthorizer.PreparedPolicy> policies = new ArrayList<>();
    private final TrustedOrigins authorizerOrigins = TrustedOrigins.fromScopes(List.of(),
            TrustedOrigins.defaultOrigins(), Long.MAX_VALUE, PreparedAuthorizer.NO_PUBLIC_KEYS);

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
                PreparedAuthorizer.NO_PUBLIC_KEYS), r);
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
        policies.add(new PreparedAuthorizer.PreparedPolicy(kind, List.copyOf(converted)));
        return this;
    }

    public PreparedAuthorizer build() {
        return new PreparedAuthorizer(symbols, world, authorizerChecks, blockChecks, policies);
    }
}
