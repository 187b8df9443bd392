package dev.warrant.delegation.internal;

import org.biscuitsec.biscuit.token.builder.Fact;
import org.biscuitsec.biscuit.token.builder.Term;

import java.util.ArrayList;
import java.util.List;

/**
 * One fact about a request (or the chain), before conversion: the library's builder {@link Fact} hides its
 * predicate, and {@link SymbolIndex} needs the name and terms to convert it without the library's linear
 * symbol search.
 */
public record RequestFact(String name, List<Term> terms) {

    public RequestFact {
        terms = List.copyOf(terms);
    }

    public static RequestFact of(String name, Term... terms) {
        return new RequestFact(name, List.of(terms));
    }

    /** The library's builder fact, for its own Authorizer. */
    public Fact toFact() {
        return new Fact(name, new ArrayList<>(terms));
    }
}
