package dev.warrant.delegation;

import dev.warrant.delegation.internal.PreparedAuthorizerBuilder;
import io.vavr.Tuple2;
import io.vavr.control.Either;
import org.biscuitsec.biscuit.datalog.SymbolTable;
import org.biscuitsec.biscuit.token.Authorizer;
import org.biscuitsec.biscuit.token.Policy;
import org.biscuitsec.biscuit.token.builder.parser.Parser;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Authorizer-side Datalog: facts, rules, checks ({@code check if} / {@code check all}) and policies
 * ({@code allow if} / {@code deny if}), parsed once and applied to a fresh authorizer per call. Immutable and
 * thread safe. Policies are tried in order; the first matching allow/deny wins, so {@link #concat} puts
 * custom sets first and {@link #defaults()} last.
 *
 * <p>Scopes ({@code trusting ...}) are refused: they would let facts of attenuation blocks widen a token.
 */
public final class PolicySet {
    /** The default policy (docs/ARCHITECTURE.md §3.4). */
    static final String DEFAULT_SOURCE = """
            // Rights of the authority block; "*" = any name on that server; resources by URI prefix.
            allow if request($k, $s, $n), right($k, $s, $n);
            allow if request($k, $s, $n), right($k, $s, "*");
            allow if request("resource", $s, $u), right("resource", $s, $p), $u.starts_with($p);
            deny if true;
            // Expiry holds even if an issuer forgot its own time check.
            check if expires($e), time($t), $t < $e;
            """;

    private static final PolicySet DEFAULTS;

    static {
        try {
            DEFAULTS = parse(DEFAULT_SOURCE, "<default policy>");
        } catch (PolicyParseException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Longest statement text kept in a name (spans and audit lines stay small). */
    private static final int LABEL_MAX = 160;

    private final List<PolicyStatement> statements;
    /** Names of the policies and of the checks, by the index the authorizer reports them with. */
    private final List<String> policyNames;
    private final List<String> checkNames;

    private PolicySet(List<PolicyStatement> statements) {
        this.statements = List.copyOf(statements);
        this.policyNames = names(PolicyStatement.Kind.POLICY);
        this.checkNames = names(PolicyStatement.Kind.CHECK);
    }

    public static PolicySet defaults() {
        return DEFAULTS;
    }

    public static PolicySet empty() {
        return new PolicySet(List.of());
    }

    /** Keeps order: statements of the first set first. */
    public static PolicySet concat(PolicySet... sets) {
        List<PolicyStatement> all = new ArrayList<>();
        for (PolicySet s : sets) {
            all.addAll(Objects.requireNonNull(s, "policy set").statements);
        }
        return new PolicySet(all);
    }

    /**
     * Parses a policy file. Statements end with {@code ;}; {@code //} starts a comment to the end of the line.
     *
     * @throws PolicyParseException for the first bad statement, with its 1-based starting line
     */
    public static PolicySet parse(String source, String sourceName) throws PolicyParseException {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sourceName, "sourceName");
        SymbolTable symbols = new SymbolTable();
        List<PolicyStatement> out = new ArrayList<>();
        for (PolicySource.Statement st : PolicySource.split(source, sourceName)) {
            try {
                out.add(compile(st.text(), symbols, sourceName + ":" + st.line() + ": " + abbreviateLabel(st.text())));
            } catch (IllegalArgumentException e) {
                throw new PolicyParseException(sourceName, st.line(), e.getMessage());
            } catch (RuntimeException e) {
                // The 4.0.1 parser throws StringIndexOutOfBounds and friends on some truncated input.
                throw new PolicyParseException(sourceName, st.line(), "cannot parse '" + PolicySource.abbreviate(st.text()) + "'");
            }
        }
        return new PolicySet(out);
    }

    public int ruleCount() {
        return count(PolicyStatement.Kind.RULE);
    }

    public int checkCount() {
        return count(PolicyStatement.Kind.CHECK);
    }

    public int policyCount() {
        return count(PolicyStatement.Kind.POLICY);
    }

    public int factCount() {
        return count(PolicyStatement.Kind.FACT);
    }

    void applyTo(Authorizer authorizer) {
        for (PolicyStatement s : statements) {
            s.applyTo(authorizer);
        }
    }

    void addTo(PreparedAuthorizerBuilder builder) {
        for (PolicyStatement s : statements) {
            s.addTo(builder);
        }
    }

    /**
     * The {@code index}-th allow/deny policy, in authorization order, as {@code <file>:<line>: <text>}. The
     * library's authorizer numbers policies in the order they were added, which is this set's order.
     */
    String policyName(int index) {
        return index >= 0 && index < policyNames.size() ? policyNames.get(index) : "policy #" + index;
    }

    /** The {@code index}-th check of this set (the authorizer's check numbering), as {@link #policyName}. */
    String checkName(int index) {
        return index >= 0 && index < checkNames.size() ? checkNames.get(index) : "check #" + index;
    }

    /** A statement's text on one line, cut to a bounded length. */
    static String abbreviateLabel(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= LABEL_MAX ? oneLine : oneLine.substring(0, LABEL_MAX - 3) + "...";
    }

    private List<String> names(PolicyStatement.Kind kind) {
        return statements.stream().filter(s -> s.kind() == kind).map(PolicyStatement::name).toList();
    }

    private int count(PolicyStatement.Kind kind) {
        return (int) statements.stream().filter(s -> s.kind() == kind).count();
    }

    private static PolicyStatement compile(String text, SymbolTable symbols, String name) {
        if (text.startsWith("allow if") || text.startsWith("deny if")) {
            Policy p = result(Parser.policy(text), text, "policy");
            List<org.biscuitsec.biscuit.datalog.Rule> queries = new ArrayList<>();
            for (org.biscuitsec.biscuit.token.builder.Rule q : p.queries) {
                queries.add(noScopes(q.convert(symbols)));
            }
            return new PolicyStatement.PolicyRule(p.kind, List.copyOf(queries), symbols, name);
        }
        if (text.startsWith("check if") || text.startsWith("check all")) {
            org.biscuitsec.biscuit.datalog.Check c = result(Parser.check(text), text, "check").convert(symbols);
            c.queries().forEach(PolicySet::noScopes);
            return new PolicyStatement.CheckStatement(c, symbols, name);
        }
        if (text.contains("<-")) {
            org.biscuitsec.biscuit.token.builder.Rule r = result(Parser.rule(text), text, "rule");
            return new PolicyStatement.RuleStatement(noScopes(r.convert(symbols)), symbols, name);
        }
        org.biscuitsec.biscuit.token.builder.Fact f = result(Parser.fact(text), text, "fact");
        return new PolicyStatement.FactStatement(f.convert(symbols), symbols, name);
    }

    private static <T> T result(Either<org.biscuitsec.biscuit.token.builder.parser.Error, Tuple2<String, T>> res,
                                String text, String what) {
        if (res.isLeft()) {
            throw new IllegalArgumentException("invalid " + what + " '" + PolicySource.abbreviate(text) + "': "
                    + res.getLeft().getMessage());
        }
        return res.get()._2;
    }

    private static org.biscuitsec.biscuit.datalog.Rule noScopes(org.biscuitsec.biscuit.datalog.Rule r) {
        if (!r.scopes().isEmpty()) {
            throw new IllegalArgumentException("'trusting' scopes are not allowed in policies (they let attenuation blocks widen a token)");
        }
        return r;
    }
}
