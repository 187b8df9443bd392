package dev.warrant.delegation.internal;

import org.biscuitsec.biscuit.datalog.Fact;
import org.biscuitsec.biscuit.datalog.Predicate;
import org.biscuitsec.biscuit.datalog.Rule;
import org.biscuitsec.biscuit.datalog.SymbolTable;
import org.biscuitsec.biscuit.datalog.TemporarySymbolTable;
import org.biscuitsec.biscuit.datalog.Term;
import org.biscuitsec.biscuit.datalog.expressions.Expression;
import org.biscuitsec.biscuit.error.Error;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * One library datalog rule (a derivation rule, or one query of a check or policy) with its variables
 * resolved to slots once, evaluated over a {@link RequestWorld} without the library's per-match streams,
 * variable-set recomputation and map copies (docs/ARCHITECTURE.md §11.5).
 *
 * <p>Same semantics as biscuit-java 4.0.1's {@code Rule.find_match}, {@code check_match_all} and
 * {@code apply} (via {@code Combinator}): body predicates are joined left to right over the facts visible to
 * the rule's trusted origins, a fact matches a predicate by the library's own {@code Predicate.match}, a
 * variable seen again must be equal ({@code Term.equals}), and the rule's expressions are evaluated by the
 * library with all body variables bound. Errors are the library's: an expression error inside
 * {@code find_match}/{@code apply} surfaces there as vavr's {@code NoSuchElementException} (its stream
 * filter calls {@code get()} on the Left), inside {@code check_match_all} or with an empty body as the
 * {@code Error} itself.
 *
 * <p>One deliberate difference, fail closed: when some bindings of a query make an expression fail (e.g. a
 * comparison over an argument sent both as a number and as a boolean) the library's answer depends on which
 * binding its hash order meets first (the error, or a success / a {@code check all} counterexample). Here the
 * error always wins: {@link #matchAny} keeps scanning after a success while the rule has expressions, and
 * {@link #matchAll} after a counterexample. So this path is never more permissive than the library in any
 * order, and its answer does not depend on hashing.
 *
 * <p>Immutable; evaluation state lives on the stack of each call.
 */
final class CompiledRule {
    private static final int CONSTANT = -1;

    private final Rule rule;
    private final long trusted;
    private final Predicate[] body;
    private final long[] names;
    /** Per body predicate and term: CONSTANT, else the variable slot (bound here first, or compared). */
    private final int[][] slots;
    /** Per body predicate and term: true where that term is the first occurrence of its variable. */
    private final boolean[][] binds;
    private final long[] variables;
    private final List<Expression> expressions;
    /** Whether every variable of the head is bound by the body: {@link #head} fails for every binding if not. */
    private final boolean headBound;

    /** Outcome of visiting one complete binding: stop searching, or go on. */
    private interface Visitor {
        boolean visit(Term[] binding, long origins) throws Error;
    }

    CompiledRule(Rule rule, long trusted) {
        this.rule = rule;
        this.trusted = trusted;
        this.expressions = rule.expressions();
        List<Predicate> preds = rule.body();
        body = preds.toArray(new Predicate[0]);
        names = new long[body.length];
        slots = new int[body.length][];
        binds = new boolean[body.length][];
        List<Long> vars = new ArrayList<>();
        for (int d = 0; d < body.length; d++) {
            names[d] = body[d].name();
            List<Term> terms = body[d].terms();
            slots[d] = new int[terms.size()];
            binds[d] = new boolean[terms.size()];
            for (int k = 0; k < terms.size(); k++) {
                if (terms.get(k) instanceof Term.Variable v) {
                    int slot = vars.indexOf(v.value());
                    if (slot < 0) {
                        slot = vars.size();
                        vars.add(v.value());
                        binds[d][k] = true;
                    }
                    slots[d][k] = slot;
                } else {
                    slots[d][k] = CONSTANT;
                }
            }
        }
        variables = vars.stream().mapToLong(Long::longValue).toArray();
        boolean bound = true;
        for (Term t : rule.head().terms()) {
            if (t instanceof Term.Variable v && slotOf(v.value()) < 0) {
                bound = false;
            }
        }
        headBound = bound;
    }

    Rule rule() {
        return rule;
    }

    /** {@code Rule.find_match}: is there one binding that satisfies every expression? */
    boolean matchAny(RequestWorld world, SymbolTable symbols) throws Error {
        if (body.length == 0) {
            return bodylessHolds(symbols);
        }
        boolean[] found = {false};
        search(world, 0, new Term[variables.length], 0L, (binding, origins) -> {
            if (satisfiedInStream(binding, symbols)) {
                // The library builds the head of the first match and fails if it cannot, which depends only on
                // the rule: checked, not built (building it was most of the bytes a request allocated).
                if (!headBound) {
                    throw new Error.InternalError();
                }
                found[0] = true;
                return expressions.isEmpty(); // with expressions, a later binding may still fail: see class doc
            }
            return false;
        });
        return found[0];
    }

    /**
     * {@code Rule.check_match_all}: at least one binding, and every binding satisfies every expression. Every
     * binding is evaluated, so an expression error anywhere is thrown (see class doc).
     */
    boolean matchAll(RequestWorld world, SymbolTable symbols) throws Error {
        if (body.length == 0) {
            return bodylessHolds(symbols);
        }
        boolean[] found = {false};
        boolean[] failed = {false};
        search(world, 0, new Term[variables.length], 0L, (binding, origins) -> {
            found[0] = true;
            TemporarySymbolTable temporary = new TemporarySymbolTable(symbols);
            Map<Long, Term> values = values(binding);
            for (Expression e : expressions) {
                Term term = e.evaluate(values, temporary);
                if (!(term instanceof Term.Bool b)) {
                    throw new Error.InvalidType();
                }
                if (!b.value()) {
                    failed[0] = true;
                    return false;
                }
            }
            return false;
        });
        return found[0] && !failed[0];
    }

    /** {@code Rule.apply}: every fact this rule derives, with its origins (the matched facts' plus the rule's). */
    void derive(RequestWorld world, long ruleOrigin, SymbolTable symbols, List<FactBase.Entry> out, Deadline deadline)
            throws Error {
        Visitor emit = (binding, origins) -> {
            if (satisfiedInStream(binding, symbols)) {
                out.add(new FactBase.Entry(origins | ruleOrigin, head(binding)));
                deadline.check();
            }
            return false;
        };
        if (body.length == 0) {
            emit.visit(new Term[0], 0L);
        } else {
            search(world, 0, new Term[variables.length], 0L, emit);
        }
    }

    /** Depth-first join of the body predicates, left to right; true if the visitor stopped the search. */
    private boolean search(RequestWorld world, int depth, Term[] binding, long origins, Visitor visitor) throws Error {
        if (depth == body.length) {
            return visitor.visit(binding, origins);
        }
        for (FactBase.Entry e : world.shared(names[depth])) {
            if (tryFact(world, depth, binding, origins, visitor, e)) {
                return true;
            }
        }
        List<FactBase.Entry> own = world.own(names[depth]);
        for (int i = 0; i < own.size(); i++) {
            if (tryFact(world, depth, binding, origins, visitor, own.get(i))) {
                return true;
            }
        }
        return false;
    }

    private boolean tryFact(RequestWorld world, int depth, Term[] binding, long origins, Visitor visitor,
                            FactBase.Entry e) throws Error {
        if (!OriginMask.visible(e.origins(), trusted) || !e.fact().match_predicate(body[depth])) {
            return false;
        }
        List<Term> terms = e.fact().predicate().terms();
        int[] s = slots[depth];
        boolean[] first = binds[depth];
        for (int k = 0; k < s.length; k++) {
            if (s[k] == CONSTANT) {
                continue;
            }
            Term value = terms.get(k);
            if (first[k]) {
                binding[s[k]] = value;
            } else if (!binding[s[k]].equals(value)) {
                return false;
            }
        }
        return search(world, depth + 1, binding, origins | e.origins(), visitor);
    }

    /**
     * Expressions of one binding where the library evaluates them inside its stream ({@code find_match},
     * {@code apply}): an evaluation error or a non-boolean result reaches the caller as the
     * NoSuchElementException its filter throws, not as the Error.
     */
    private boolean satisfiedInStream(Term[] binding, SymbolTable symbols) {
        if (expressions.isEmpty()) {
            return true;
        }
        TemporarySymbolTable temporary = new TemporarySymbolTable(symbols);
        Map<Long, Term> values = values(binding);
        for (Expression e : expressions) {
            Term term;
            try {
                term = e.evaluate(values, temporary);
            } catch (Error error) {
                throw new NoSuchElementException("get() on Left");
            }
            if (!(term instanceof Term.Bool b)) {
                throw new NoSuchElementException("get() on Left");
            }
            if (!b.value()) {
                return false;
            }
        }
        return true;
    }

    /** {@code MatchedVariables.check_expressions} with no variables (a rule without body, e.g. {@code deny if true}). */
    private boolean bodylessHolds(SymbolTable symbols) throws Error {
        Map<Long, Term> none = new HashMap<>();
        for (Expression e : expressions) {
            Term term = e.evaluate(none, new TemporarySymbolTable(symbols));
            if (!(term instanceof Term.Bool)) {
                throw new Error.InvalidType();
            }
            if (!term.equals(new Term.Bool(true))) {
                return false;
            }
        }
        return true;
    }

    private Map<Long, Term> values(Term[] binding) {
        Map<Long, Term> values = new HashMap<>(variables.length * 2);
        for (int i = 0; i < variables.length; i++) {
            values.put(variables[i], binding[i]);
        }
        return values;
    }

    /** The head with the binding substituted; the library's InternalError if a head variable is unbound. */
    private Fact head(Term[] binding) throws Error {
        Predicate head = rule.head();
        List<Term> terms = new ArrayList<>(head.terms().size());
        for (Term t : head.terms()) {
            if (t instanceof Term.Variable v) {
                int slot = slotOf(v.value());
                if (slot < 0) {
                    throw new Error.InternalError();
                }
                terms.add(binding[slot]);
            } else {
                terms.add(t);
            }
        }
        return new Fact(new Predicate(head.name(), terms));
    }

    private int slotOf(long variable) {
        for (int i = 0; i < variables.length; i++) {
            if (variables[i] == variable) {
                return i;
            }
        }
        return -1;
    }
}
