package dev.warrant.delegation;

import dev.warrant.delegation.internal.PreparedAuthorizerBuilder;
import org.biscuitsec.biscuit.datalog.SymbolTable;
import org.biscuitsec.biscuit.token.Authorizer;
import org.biscuitsec.biscuit.token.Policy;

import java.util.ArrayList;
import java.util.List;

/**
 * One parsed policy statement, kept in the library's compiled (datalog) form with the symbol table it was
 * compiled against. Both are never modified after parsing, so a statement is safely shared across threads.
 *
 * <p>Why not keep the builder objects: converting a builder Rule re-assigns the term lists of its body
 * predicates (Rule.apply_variables in 4.0.1), so sharing builder objects between concurrent authorizers is
 * a data race. Each call therefore gets fresh builder objects via {@code convert_from}, which only reads.
 */
sealed interface PolicyStatement {
    void applyTo(Authorizer authorizer);

    /** Where it was written and what it says: {@code <file>:<line>: <text>} (see {@link Decision#policy}). */
    String name();

    /** Converts once into a prepared authorizer, as {@link #applyTo} plus the library's authorize() would per call. */
    void addTo(PreparedAuthorizerBuilder builder);

    Kind kind();

    enum Kind { FACT, RULE, CHECK, POLICY }

    record FactStatement(org.biscuitsec.biscuit.datalog.Fact fact, SymbolTable symbols, String name) implements PolicyStatement {
        public void applyTo(Authorizer a) {
            a.add_fact(org.biscuitsec.biscuit.token.builder.Fact.convert_from(fact, symbols));
        }

        public void addTo(PreparedAuthorizerBuilder b) {
            b.fact(fact, symbols);
        }

        public Kind kind() {
            return Kind.FACT;
        }
    }

    record RuleStatement(org.biscuitsec.biscuit.datalog.Rule rule, SymbolTable symbols, String name) implements PolicyStatement {
        public void applyTo(Authorizer a) {
            a.add_rule(org.biscuitsec.biscuit.token.builder.Rule.convert_from(rule, symbols));
        }

        public void addTo(PreparedAuthorizerBuilder b) {
            b.rule(rule, symbols);
        }

        public Kind kind() {
            return Kind.RULE;
        }
    }

    record CheckStatement(org.biscuitsec.biscuit.datalog.Check check, SymbolTable symbols, String name) implements PolicyStatement {
        public void applyTo(Authorizer a) {
            a.add_check(org.biscuitsec.biscuit.token.builder.Check.convert_from(check, symbols));
        }

        public void addTo(PreparedAuthorizerBuilder b) {
            b.check(check, symbols);
        }

        public Kind kind() {
            return Kind.CHECK;
        }
    }

    record PolicyRule(Policy.Kind policyKind, List<org.biscuitsec.biscuit.datalog.Rule> queries, SymbolTable symbols,
                      String name)
            implements PolicyStatement {
        public void applyTo(Authorizer a) {
            List<org.biscuitsec.biscuit.token.builder.Rule> fresh = new ArrayList<>(queries.size());
            for (org.biscuitsec.biscuit.datalog.Rule q : queries) {
                fresh.add(org.biscuitsec.biscuit.token.builder.Rule.convert_from(q, symbols));
            }
            a.add_policy(new Policy(fresh, policyKind));
        }

        public void addTo(PreparedAuthorizerBuilder b) {
            b.policy(policyKind, queries, symbols);
        }

        public Kind kind() {
            return Kind.POLICY;
        }
    }
}
