package dev.warrant.delegation.internal;

import org.biscuitsec.biscuit.token.builder.Check;
import org.biscuitsec.biscuit.token.builder.Expression;
import org.biscuitsec.biscuit.token.builder.Fact;
import org.biscuitsec.biscuit.token.builder.Predicate;
import org.biscuitsec.biscuit.token.builder.Rule;
import org.biscuitsec.biscuit.token.builder.Term;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * The only way Warrant writes Datalog: builder objects and Term constructors. An untrusted string always
 * becomes one {@link Term.Str}, so it can never close a string or add a statement (no Datalog injection).
 */
public final class Datalog {
    private Datalog() {}

    public static Term str(String s) {
        return new Term.Str(s);
    }

    public static Term integer(long n) {
        return new Term.Integer(n);
    }

    public static Term bool(boolean b) {
        return new Term.Bool(b);
    }

    /** Biscuit dates have second precision: sub-second parts are dropped. */
    public static Term date(Instant t) {
        return new Term.Date(t.getEpochSecond());
    }

    public static Term var(String name) {
        return new Term.Variable(name);
    }

    public static Term strSet(List<String> values) {
        HashSet<Term> set = new HashSet<>();
        for (String v : values) {
            set.add(str(v));
        }
        return new Term.Set(set);
    }

    public static Fact fact(String name, Term... terms) {
        return new Fact(name, new ArrayList<>(Arrays.asList(terms)));
    }

    public static Predicate pred(String name, Term... terms) {
        return new Predicate(name, new ArrayList<>(Arrays.asList(terms)));
    }

    public static Expression value(Term t) {
        return new Expression.Value(t);
    }

    public static Expression binary(Expression.Op op, Term left, Term right) {
        return new Expression.Binary(op, value(left), value(right));
    }

    /** One alternative of a check: body predicates and expressions, joined by commas. */
    public static Rule query(List<Predicate> body, List<Expression> expressions) {
        return new Rule(new Predicate("query", new ArrayList<>()), new ArrayList<>(body),
                new ArrayList<>(expressions), new ArrayList<>());
    }

    public static Rule query(Predicate single) {
        return query(List.of(single), List.of());
    }

    /** {@code check if q1 or q2 ...}: passes when any alternative has a match. */
    public static Check checkIf(List<Rule> alternatives) {
        return new Check(org.biscuitsec.biscuit.datalog.Check.Kind.One, new ArrayList<>(alternatives));
    }

    /**
     * {@code check all q1 or q2 ...}: NOT vacuous in biscuit-java 4.0.1 (nor in the Rust reference): an
     * alternative passes only when it has at least one match and every match satisfies it.
     */
    public static Check checkAll(List<Rule> alternatives) {
        return new Check(org.biscuitsec.biscuit.datalog.Check.Kind.All, new ArrayList<>(alternatives));
    }

    /** {@code check if time($t), $t < <date>}. */
    public static Check expiryCheck(String timeFact, Instant expires) {
        return checkIf(List.of(query(List.of(pred(timeFact, var("t"))),
                List.of(binary(Expression.Op.LessThan, var("t"), date(expires))))));
    }
}
