package dev.warrant.delegation;

import dev.warrant.delegation.internal.Datalog;
import io.vavr.Tuple2;
import io.vavr.control.Either;
import org.biscuitsec.biscuit.datalog.RunLimits;
import org.biscuitsec.biscuit.datalog.SymbolTable;
import org.biscuitsec.biscuit.error.Error;
import org.biscuitsec.biscuit.token.Authorizer;
import org.biscuitsec.biscuit.token.builder.Fact;
import org.biscuitsec.biscuit.token.builder.Rule;
import org.biscuitsec.biscuit.token.builder.Term;
import org.biscuitsec.biscuit.token.builder.parser.Parser;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static dev.warrant.delegation.Vocabulary.AGENT;
import static dev.warrant.delegation.Vocabulary.RIGHT;
import static dev.warrant.delegation.Vocabulary.TASK;

/**
 * The operator's mapping from a verified identity's claims to what the gateway mints for it: Datalog rules (and
 * facts) over {@code claim(name, value)} that derive {@code agent(name)}, {@code right(kind, server, name)} and
 * {@code task(id)}, e.g. {@code agent($s) <- claim("sub", $s);} and
 * {@code right("tool", "notes", "read_note") <- claim("scope", "notes.read");}. Other predicates may serve as
 * helpers. Claims enter as facts built term by term, never as Datalog text, so a claim value cannot add a
 * statement. Immutable and thread safe: every {@link #map} runs on a fresh authorizer.
 */
public final class ClaimMapping {

    /** The claim facts' predicate. */
    public static final String CLAIM = "claim";

    private static final RunLimits LIMITS = new RunLimits(2000, 100, Duration.ofMillis(100));
    private static final Set<String> READ = Set.of(AGENT + "/1", RIGHT + "/3", TASK + "/1");

    private final List<Rule> rules;
    private final List<Fact> facts;

    private ClaimMapping(List<Rule> rules, List<Fact> facts) {
        this.rules = List.copyOf(rules);
        this.facts = List.copyOf(facts);
    }

    /**
     * Parses a mapping file: rules and facts only ({@code check}, {@code allow} and {@code deny} mean nothing
     * here), no {@code trusting} scopes, and no rule or fact may define {@code claim} (claims come from the token
     * alone). An {@code agent}, {@code right} or {@code task} of the wrong arity is refused, since it could
     * never be read.
     *
     * @throws PolicyParseException for the first bad statement, with its 1-based line
     */
    public static ClaimMapping parse(String source, String sourceName) throws PolicyParseException {
        Objects.requireNonNull(source, "source");
        List<Rule> rules = new ArrayList<>();
        List<Fact> facts = new ArrayList<>();
        for (PolicySource.Statement st : PolicySource.split(source, sourceName)) {
            String text = st.text();
            try {
                if (text.startsWith("check ") || text.startsWith("allow if") || text.startsWith("deny if")) {
                    throw new IllegalArgumentException("a mapping holds rules and facts only, not checks or policies");
                }
                if (text.contains("<-")) {
                    Rule r = result(Parser.rule(text), text);
                    SymbolTable symbols = new SymbolTable();
                    org.biscuitsec.biscuit.datalog.Rule converted = r.convert(symbols);
                    if (!converted.scopes().isEmpty()) {
                        throw new IllegalArgumentException("'trusting' scopes are not allowed in a mapping");
                    }
                    requireHead(symbols.print_symbol((int) converted.head().name()), converted.head().terms().size());
                    rules.add(r);
                } else {
                    Fact f = result(Parser.fact(text), text);
                    requireHead(f.name(), f.terms().size());
                    facts.add(f);
                }
            } catch (IllegalArgumentException e) {
                throw new PolicyParseException(sourceName, st.line(), e.getMessage());
            } catch (RuntimeException e) {
                throw new PolicyParseException(sourceName, st.line(), "cannot parse '" + PolicySource.abbreviate(text) + "'");
            }
        }
        return new ClaimMapping(rules, facts);
    }

    public int statementCount() {
        return rules.size() + facts.size();
    }

    /**
     * Derives what to mint for these claims.
     *
     * @throws MappingException when no agent, more than one agent or task, or an invalid name comes out, or the
     *                          evaluation exceeds its limits
     */
    public MappedIdentity map(List<Claim> claims) throws MappingException {
        Authorizer authorizer = new Authorizer();
        for (Claim c : claims) {
            authorizer.add_fact(Datalog.fact(CLAIM, Datalog.str(c.name()), term(c.value())));
        }
        facts.forEach(authorizer::add_fact);
        rules.forEach(authorizer::add_rule);
        try {
            Set<String> agents = strings(authorizer.query(query(AGENT, 1), LIMITS), 0);
            Set<String> tasks = strings(authorizer.query(query(TASK, 1), LIMITS), 0);
            if (agents.isEmpty()) {
                throw new MappingException("the mapping derives no agent(...) for this identity");
            }
            if (agents.size() > 1) {
                throw new MappingException("the mapping derives more than one agent(...): " + agents);
            }
            if (tasks.size() > 1) {
                throw new MappingException("the mapping derives more than one task(...): " + tasks);
            }
            List<Right> rights = new ArrayList<>();
            for (Fact f : authorizer.query(query(RIGHT, 3), LIMITS)) {
                List<Term> t = f.terms();
                if (!(t.get(0) instanceof Term.Str k && t.get(1) instanceof Term.Str s && t.get(2) instanceof Term.Str n)) {
                    throw new MappingException("a derived right(...) must hold three strings");
                }
                rights.add(new Right(k.getValue(), s.getValue(), n.getValue()));
            }
            String agent = agents.iterator().next();
            Names.requireName(agent, "agent");
            Optional<String> task = tasks.stream().findFirst();
            task.ifPresent(x -> Names.requireName(x, "task"));
            rights.sort(java.util.Comparator.comparing(Right::kind).thenComparing(Right::server).thenComparing(Right::name));
            return new MappedIdentity(agent, rights, task);
        } catch (IllegalArgumentException e) {
            throw new MappingException("the mapping derived an invalid name: " + e.getMessage());
        } catch (Error e) {
            throw new MappingException("the mapping could not be evaluated within its limits: " + e);
        }
    }

    private static void requireHead(String name, int arity) {
        if (name.equals(CLAIM)) {
            throw new IllegalArgumentException("claim(...) facts come from the token; a mapping may not define them");
        }
        if ((name.equals(AGENT) || name.equals(RIGHT) || name.equals(TASK)) && !READ.contains(name + "/" + arity)) {
            throw new IllegalArgumentException(name + "(...) takes " + (name.equals(RIGHT) ? 3 : 1) + " terms");
        }
    }

    private static Rule query(String name, int arity) {
        Term[] vars = new Term[arity];
        for (int i = 0; i < arity; i++) {
            vars[i] = Datalog.var("v" + i);
        }
        return new Rule(Datalog.pred(name, vars), List.of(Datalog.pred(name, vars)), List.of(), List.of());
    }

    private static Set<String> strings(Set<Fact> found, int position) throws MappingException {
        Set<String> out = new TreeSet<>();
        for (Fact f : found) {
            if (!(f.terms().get(position) instanceof Term.Str s)) {
                throw new MappingException(f.name() + "(...) must hold a string");
            }
            out.add(s.getValue());
        }
        return out;
    }

    private static Term term(Object value) {
        if (value instanceof String s) {
            return Datalog.str(s);
        }
        if (value instanceof Long n) {
            return Datalog.integer(n);
        }
        return Datalog.bool((Boolean) value);
    }

    private static <T> T result(Either<org.biscuitsec.biscuit.token.builder.parser.Error, Tuple2<String, T>> res, String text) {
        if (res.isLeft()) {
            throw new IllegalArgumentException("invalid statement '" + PolicySource.abbreviate(text) + "': "
                    + res.getLeft().getMessage());
        }
        return res.get()._2;
    }

    /** What the mapping derived: the agent to mint for, its rights and its task. */
    public record MappedIdentity(String agent, List<Right> rights, Optional<String> task) {
        public MappedIdentity {
            rights = List.copyOf(rights);
        }
    }

    /** The mapping could not produce a valid identity for these claims. */
    public static final class MappingException extends Exception {
        private static final long serialVersionUID = 1L;

        public MappingException(String message) {
            super(message, null, false, false);
        }
    }
}
