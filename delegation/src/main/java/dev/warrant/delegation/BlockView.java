package dev.warrant.delegation;

import biscuit.format.schema.Schema;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.warrant.delegation.internal.DecodedFact;
import io.vavr.control.Either;
import org.biscuitsec.biscuit.datalog.Check;
import org.biscuitsec.biscuit.datalog.Fact;
import org.biscuitsec.biscuit.datalog.Predicate;
import org.biscuitsec.biscuit.datalog.Rule;
import org.biscuitsec.biscuit.datalog.SymbolTable;
import org.biscuitsec.biscuit.datalog.Term;
import org.biscuitsec.biscuit.datalog.expressions.Expression;
import org.biscuitsec.biscuit.datalog.expressions.Op;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * One block of a token as plain Java values, read from the raw protobuf WITHOUT verifying anything: its facts,
 * its Datalog source text, and its checks as small trees the {@link Narrowing} reader can recognize. The
 * biscuit types stay in this file.
 *
 * <p>Symbols resolve as in {@code internal.RawToken}: the default table, then the symbols of the authority
 * block and of each first-party block in order; a third-party block (external signature) has its own table.
 */
record BlockView(int index, boolean external, List<DecodedFact> facts, int ruleCount, boolean scoped,
                 List<CheckView> checks, String source) {

    /** A Datalog variable, {@code $name}. */
    record Var(String name) {
        @Override
        public String toString() {
            return "$" + name;
        }
    }

    /** A set term; items sorted by their text so printing is stable. */
    record SetTerm(List<Object> items) {}

    /** A body predicate; terms are String, Long, Instant, Boolean, {@link Var}, {@link SetTerm} or OTHER. */
    record Pred(String name, List<Object> terms) {}

    /** An expression tree rebuilt from the library's op stack; op names are the library's enum names. */
    sealed interface Expr permits Val, Unary, Binary {}

    record Val(Object term) implements Expr {}

    record Unary(String op, Expr arg) implements Expr {}

    record Binary(String op, Expr left, Expr right) implements Expr {}

    /** One alternative of a check ({@code or}-separated). */
    record Query(List<Pred> body, List<Expr> expressions, boolean scoped) {}

    /** {@code check if} (all = false) or {@code check all} (all = true), with its printed source. */
    record CheckView(boolean all, List<Query> queries, String source) {}

    /** Reads every block, authority first. Throws IllegalArgumentException on an undecodable block. */
    static List<BlockView> readAll(Schema.Biscuit token) {
        List<BlockView> out = new ArrayList<>();
        SymbolTable shared = new SymbolTable();
        out.add(read(token.getAuthority(), shared, 0, false));
        for (int i = 0; i < token.getBlocksCount(); i++) {
            Schema.SignedBlock signed = token.getBlocks(i);
            boolean external = signed.hasExternalSignature();
            out.add(read(signed, external ? new SymbolTable() : shared, i + 1, external));
        }
        return out;
    }

    private static BlockView read(Schema.SignedBlock signed, SymbolTable table, int index, boolean external) {
        Schema.Block block;
        try {
            block = Schema.Block.parseFrom(signed.getBlock());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("block " + index + " is not a valid Biscuit block");
        }
        for (String s : block.getSymbolsList()) {
            table.add(s);
        }
        StringBuilder source = new StringBuilder();
        List<DecodedFact> facts = new ArrayList<>();
        for (Schema.FactV2 f : block.getFactsV2List()) {
            Fact fact = orThrow(Fact.deserializeV2(f), index, "fact");
            source.append(table.print_fact(fact)).append(";\n");
            Pred p = pred(fact.predicate(), table);
            facts.add(new DecodedFact(p.name(), p.terms()));
        }
        boolean scoped = block.getScopeCount() > 0;
        for (Schema.RuleV2 r : block.getRulesV2List()) {
            Rule rule = orThrow(Rule.deserializeV2(r), index, "rule");
            source.append(table.print_rule(rule)).append(";\n");
            scoped |= !rule.scopes().isEmpty();
        }
        List<CheckView> checks = new ArrayList<>();
        for (Schema.CheckV2 c : block.getChecksV2List()) {
            Check check = orThrow(Check.deserializeV2(c), index, "check");
            String text = table.print_check(check);
            source.append(text).append(";\n");
            List<Query> queries = new ArrayList<>();
            for (Rule q : check.queries()) {
                List<Pred> body = new ArrayList<>();
                q.body().forEach(p -> body.add(pred(p, table)));
                List<Expr> expressions = new ArrayList<>();
                q.expressions().forEach(e -> expressions.add(expr(e, table)));
                queries.add(new Query(body, expressions, !q.scopes().isEmpty()));
                scoped |= !q.scopes().isEmpty();
            }
            checks.add(new CheckView(check.kind() == Check.Kind.All, queries, text));
        }
        return new BlockView(index, external, List.copyOf(facts), block.getRulesV2Count(), scoped,
                List.copyOf(checks), source.toString());
    }

    private static <T> T orThrow(Either<?, T> value, int index, String what) {
        if (value.isLeft()) {
            throw new IllegalArgumentException("block " + index + " has an undecodable " + what);
        }
        return value.get();
    }

    private static Pred pred(Predicate p, SymbolTable table) {
        List<Object> terms = new ArrayList<>();
        p.terms().forEach(t -> terms.add(term(t, table)));
        return new Pred(table.print_symbol((int) p.name()), terms);
    }

    private static Object term(Term t, SymbolTable table) {
        if (t instanceof Term.Str s) {
            return table.print_symbol((int) s.value());
        } else if (t instanceof Term.Variable v) {
            return new Var(table.print_symbol((int) v.value()));
        } else if (t instanceof Term.Integer n) {
            return n.value();
        } else if (t instanceof Term.Date d) {
            return Instant.ofEpochSecond(d.value());
        } else if (t instanceof Term.Bool b) {
            return b.value();
        } else if (t instanceof Term.Set s) {
            List<Object> items = new ArrayList<>();
            s.value().forEach(i -> items.add(term(i, table)));
            items.sort(Comparator.comparing(String::valueOf));
            return new SetTerm(List.copyOf(items));
        }
        return DecodedFact.OTHER;
    }

    /** Rebuilds the tree from the postfix op list; an unbalanced list becomes an opaque value. */
    private static Expr expr(Expression e, SymbolTable table) {
        Deque<Expr> stack = new ArrayDeque<>();
        for (Op op : e.getOps()) {
            if (op instanceof Op.Value v) {
                stack.push(new Val(term(v.getValue(), table)));
            } else if (op instanceof Op.Unary u && !stack.isEmpty()) {
                stack.push(new Unary(u.getOp().name(), stack.pop()));
            } else if (op instanceof Op.Binary b && stack.size() >= 2) {
                Expr right = stack.pop();
                Expr left = stack.pop();
                stack.push(new Binary(b.getOp().name(), left, right));
            } else {
                return new Val(DecodedFact.OTHER);
            }
        }
        return stack.size() == 1 ? stack.pop() : new Val(DecodedFact.OTHER);
    }
}
