package dev.warrant.delegation;

import dev.warrant.delegation.BlockView.Binary;
import dev.warrant.delegation.BlockView.CheckView;
import dev.warrant.delegation.BlockView.Expr;
import dev.warrant.delegation.BlockView.Pred;
import dev.warrant.delegation.BlockView.Query;
import dev.warrant.delegation.BlockView.SetTerm;
import dev.warrant.delegation.BlockView.Unary;
import dev.warrant.delegation.BlockView.Val;
import dev.warrant.delegation.BlockView.Var;
import dev.warrant.delegation.internal.DecodedFact;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.warrant.delegation.Vocabulary.*;

/**
 * Recognizes the checks Warrant writes (docs/ARCHITECTURE.md §3.2) and says what they mean in plain words, and spots
 * constraints that are weaker than they look. A check it does not recognize is reported as-is, never guessed.
 */
final class Narrowing {
    private Narrowing() {}

    /** What one check means. */
    sealed interface Constraint permits Expiry, Peer, AllowList, ArgRule, Other {
        String words();
    }

    /** {@code check if time($t), $t < date}. */
    record Expiry(Instant at) implements Constraint {
        public String words() {
            return "expires " + at;
        }
    }

    /** {@code check if peer("id")}. */
    record Peer(String identity) implements Constraint {
        public String words() {
            return "only over a connection whose client certificate is " + identity;
        }
    }

    /** One allowed item: name empty = any name; prefix = resource URI prefix. */
    record Allowed(String kind, String server, Optional<String> name, boolean prefix) {
        String words() {
            if (name.isEmpty()) {
                return "any " + kind + " on " + server;
            }
            return prefix ? kind + " " + server + " under " + name.get() : kind + " " + server + "/" + name.get();
        }
    }

    /** {@code check if request(kind, server, $n), ... or ...}: the hop's allow-list. */
    record AllowList(List<Allowed> items) implements Constraint {
        public String words() {
            return "may only: " + String.join(", ", items.stream().map(Allowed::words).toList());
        }
    }

    /** A constraint on one argument; {@code all} = written with check all; {@code listExempt} = or method("tools/list"). */
    record ArgRule(String key, String condition, boolean all, boolean listExempt) implements Constraint {
        public String words() {
            // Say it when the wording would overclaim: check if is satisfied by any one value.
            return "argument '" + key + "' " + condition + (all ? "" : " (for at least one of its values only)");
        }
    }

    record Other(String source) implements Constraint {
        public String words() {
            return "also: " + source;
        }
    }

    static Constraint classify(CheckView check) {
        List<Query> qs = check.queries();
        if (qs.stream().anyMatch(Query::scoped)) {
            return new Other(check.source());
        }
        if (!check.all() && qs.size() == 1) {
            Optional<Constraint> single = expiry(qs.get(0)).or(() -> peer(qs.get(0)));
            if (single.isPresent()) {
                return single.get();
            }
        }
        if (!check.all()) {
            List<Allowed> items = new ArrayList<>();
            for (Query q : qs) {
                Optional<List<Allowed>> a = allowed(q);
                if (a.isEmpty()) {
                    items = null;
                    break;
                }
                items.addAll(a.get());
            }
            if (items != null && !items.isEmpty()) {
                return new AllowList(List.copyOf(items));
            }
        }
        return argRule(check).orElseGet(() -> new Other(check.source()));
    }

    private static Optional<Constraint> expiry(Query q) {
        if (q.body().size() == 1 && q.expressions().size() == 1 && isPred(q.body().get(0), TIME, 1)
                && q.body().get(0).terms().get(0) instanceof Var t
                && q.expressions().get(0) instanceof Binary b && isVal(b.left(), t)
                && b.right() instanceof Val v && v.term() instanceof Instant at) {
            if (b.op().equals("LessThan")) {
                return Optional.of(new Expiry(at));
            }
            if (b.op().equals("LessOrEqual")) {
                return Optional.of(new Expiry(at.plusSeconds(1)));
            }
        }
        return Optional.empty();
    }

    private static Optional<Constraint> peer(Query q) {
        if (q.body().size() == 1 && q.expressions().isEmpty() && isPred(q.body().get(0), PEER, 1)
                && q.body().get(0).terms().get(0) instanceof String id) {
            return Optional.of(new Peer(id));
        }
        return Optional.empty();
    }

    /** {@code request(kind, server, $n)} with nothing, {@code set.contains($n)}, {@code $n == "x"} or {@code $u.starts_with("p")}. */
    private static Optional<List<Allowed>> allowed(Query q) {
        if (q.body().size() != 1 || !isPred(q.body().get(0), REQUEST, 3)) {
            return Optional.empty();
        }
        List<Object> t = q.body().get(0).terms();
        if (!(t.get(0) instanceof String kind) || !(t.get(1) instanceof String server)) {
            return Optional.empty();
        }
        if (t.get(2) instanceof String name) {
            return q.expressions().isEmpty()
                    ? Optional.of(List.of(new Allowed(kind, server, Optional.of(name), false))) : Optional.empty();
        }
        if (!(t.get(2) instanceof Var n)) {
            return Optional.empty();
        }
        if (q.expressions().isEmpty()) {
            return Optional.of(List.of(new Allowed(kind, server, Optional.empty(), false)));
        }
        if (q.expressions().size() != 1 || !(q.expressions().get(0) instanceof Binary b)) {
            return Optional.empty();
        }
        if (b.op().equals("Prefix") && isVal(b.left(), n) && b.right() instanceof Val v && v.term() instanceof String p) {
            return Optional.of(List.of(new Allowed(kind, server, Optional.of(p), true)));
        }
        if (b.op().equals("Equal") && isVal(b.left(), n) && b.right() instanceof Val v && v.term() instanceof String s) {
            return Optional.of(List.of(new Allowed(kind, server, Optional.of(s), false)));
        }
        if (b.op().equals("Contains") && isVal(b.right(), n) && b.left() instanceof Val v && v.term() instanceof SetTerm set
                && !set.items().isEmpty() && set.items().stream().allMatch(i -> i instanceof String)) {
            return Optional.of(set.items().stream()
                    .map(i -> new Allowed(kind, server, Optional.of((String) i), false)).toList());
        }
        return Optional.empty();
    }

    /**
     * {@code check all|if arg_path(key, $p), $p.starts_with(prefix) [or method("tools/list")]}, and the
     * {@code arg} forms with {@code ==} or a {@code >= min, <= max} range.
     */
    private static Optional<Constraint> argRule(CheckView check) {
        Query constrained = null;
        boolean listExempt = false;
        for (Query q : check.queries()) {
            if (q.body().size() == 1 && q.expressions().isEmpty() && isPred(q.body().get(0), METHOD, 1)
                    && METHOD_TOOLS_LIST.equals(q.body().get(0).terms().get(0))) {
                listExempt = true;
            } else if (constrained == null) {
                constrained = q;
            } else {
                return Optional.empty();
            }
        }
        if (constrained == null || constrained.body().size() != 1) {
            return Optional.empty();
        }
        Pred p = constrained.body().get(0);
        boolean path = isPred(p, ARG_PATH, 2);
        if (!(path || isPred(p, ARG, 2)) || !(p.terms().get(0) instanceof String key) || !(p.terms().get(1) instanceof Var v)) {
            return Optional.empty();
        }
        List<String> conditions = new ArrayList<>();
        for (Expr e : constrained.expressions()) {
            Optional<String> c = condition(e, v, path);
            if (c.isEmpty()) {
                return Optional.empty();
            }
            conditions.add(c.get());
        }
        if (conditions.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ArgRule(key, String.join(" and ", conditions), check.all(), listExempt));
    }

    private static Optional<String> condition(Expr e, Var v, boolean path) {
        if (!(e instanceof Binary b) || !isVal(b.left(), v) || !(b.right() instanceof Val value)) {
            return Optional.empty();
        }
        Object x = value.term();
        String shown = x instanceof String s ? s : String.valueOf(x);
        return switch (b.op()) {
            case "Prefix" -> Optional.of("must start with " + shown + (path ? " (normalized path)" : ""));
            case "Suffix" -> Optional.of("must end with " + shown);
            case "Equal" -> Optional.of("must equal " + (x instanceof String ? "'" + shown + "'" : shown));
            case "GreaterOrEqual" -> Optional.of("must be >= " + shown);
            case "LessOrEqual" -> Optional.of("must be <= " + shown);
            case "GreaterThan" -> Optional.of("must be > " + shown);
            case "LessThan" -> Optional.of("must be < " + shown);
            default -> Optional.empty();
        };
    }

    /** Constraints that are weaker (or different) than they look, one line each. */
    static List<String> warnings(BlockView block) {
        List<String> out = new ArrayList<>();
        boolean attenuation = block.index() > 0;
        for (CheckView c : block.checks()) {
            boolean onArgs = c.queries().stream().anyMatch(q -> q.body().stream()
                    .anyMatch(p -> p.name().equals(ARG) || p.name().equals(ARG_PATH)));
            if (onArgs && !c.all()) {
                out.add("`" + c.source() + "` passes when ANY one value of a multi-valued argument matches;"
                        + " write it as `check all ... or method(\"tools/list\")`");
            }
            if (onArgs && c.all() && classify(c) instanceof ArgRule r && !r.listExempt()) {
                out.add("`" + c.source() + "` has no `or method(\"tools/list\")` alternative, so it hides the tool"
                        + " from tools/list (list items carry no arguments)");
            }
            if (c.queries().stream().anyMatch(q -> q.expressions().stream().anyMatch(Narrowing::usesNotEqual))) {
                out.add("`" + c.source() + "` uses `!=`, which biscuit-java 4.0.1 evaluates inverted for booleans;"
                        + " rewrite it without `!=`");
            }
        }
        if (attenuation && block.ruleCount() > 0) {
            out.add("defines " + block.ruleCount() + " rule(s); a rule in an attenuation block only feeds that block's"
                    + " own checks and grants nothing");
        }
        if (attenuation) {
            for (DecodedFact f : block.facts()) {
                if (!f.name().equals(DELEGATION) && !f.name().equals(TRACE)) {
                    out.add("fact " + f.name() + "(...) grants nothing: facts of an attenuation block are invisible"
                            + " to earlier blocks and to the gateway's policies");
                }
            }
        }
        if (block.scoped()) {
            out.add("uses `trusting ...`: its rules and checks see facts of other blocks, so they may pass where they"
                    + " look like they should fail");
        }
        if (block.external()) {
            out.add("third-party block (external signature): Warrant does not rely on these (docs/ARCHITECTURE.md §3.6)");
        }
        return out;
    }

    private static boolean usesNotEqual(Expr e) {
        if (e instanceof Binary b) {
            return b.op().equals("NotEqual") || usesNotEqual(b.left()) || usesNotEqual(b.right());
        }
        return e instanceof Unary u && usesNotEqual(u.arg());
    }

    private static boolean isPred(Pred p, String name, int arity) {
        return p.name().equals(name) && p.terms().size() == arity;
    }

    private static boolean isVal(Expr e, Var v) {
        return e instanceof Val val && v.equals(val.term());
    }
}
