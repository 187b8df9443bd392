package dev.warrant.delegation.internal;

import org.biscuitsec.biscuit.datalog.SymbolTable;
import org.biscuitsec.biscuit.token.builder.Term;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Converts a request's facts to datalog against a prepared symbol table, looking strings up in a hash map.
 *
 * <p>Why: the library's {@code Fact.convert} interns every string with {@code SymbolTable.insert}, which is a
 * linear {@code indexOf} over the default symbols and then over every symbol of the token and the policies,
 * and a request's own strings (argument values) are never found, so each costs a full scan
 * (docs/PERFORMANCE-HISTORY.md).
 *
 * <p>Ids are the library's: a prepared symbol keeps its id, a new string is appended to the call's own copy of
 * the table exactly as {@code insert} would append it, so a later {@code insert} of the same string (by an
 * expression) finds it there. Built once per prepared authorizer; read-only afterwards, so shared by calls.
 */
final class SymbolIndex {

    private final Map<String, Long> ids;

    SymbolIndex(SymbolTable prepared) {
        Map<String, Long> index = new HashMap<>();
        List<String> defaults = SymbolTable.defaultSymbols;
        for (int i = defaults.size() - 1; i >= 0; i--) {
            index.put(defaults.get(i), (long) i); // the first occurrence wins, as with indexOf
        }
        List<String> own = prepared.symbols;
        for (int i = own.size() - 1; i >= 0; i--) {
            String s = own.get(i);
            if (defaults.indexOf(s) < 0) {
                index.put(s, (long) (i + SymbolTable.DEFAULT_SYMBOLS_OFFSET));
            }
        }
        this.ids = Map.copyOf(index);
    }

    /** One call's conversion: {@code table} is the call's copy of the prepared table. */
    Converter converter(SymbolTable table) {
        return new Converter(table);
    }

    final class Converter {
        private final SymbolTable table;
        private final Map<String, Long> added = new HashMap<>();

        private Converter(SymbolTable table) {
            this.table = table;
        }

        org.biscuitsec.biscuit.datalog.Fact fact(RequestFact fact) {
            long name = id(fact.name()); // before the terms, as the library interns them: the same ids
            List<org.biscuitsec.biscuit.datalog.Term> terms = new ArrayList<>(fact.terms().size());
            for (Term t : fact.terms()) {
                terms.add(term(t));
            }
            return new org.biscuitsec.biscuit.datalog.Fact(new org.biscuitsec.biscuit.datalog.Predicate(name, terms));
        }

        private org.biscuitsec.biscuit.datalog.Term term(Term t) {
            if (t instanceof Term.Str s) {
                return new org.biscuitsec.biscuit.datalog.Term.Str(id(s.getValue()));
            }
            if (t instanceof Term.Set set) {
                HashSet<org.biscuitsec.biscuit.datalog.Term> values = new HashSet<>();
                for (Term v : set.getValue()) {
                    values.add(term(v));
                }
                return new org.biscuitsec.biscuit.datalog.Term.Set(values);
            }
            // Integers, dates, booleans, bytes: no symbol involved.
            return t.convert(table);
        }

        long id(String s) {
            Long id = ids.get(s);
            if (id == null) {
                id = added.get(s);
            }
            if (id == null) {
                table.symbols.add(s);
                id = (long) (table.symbols.size() - 1 + SymbolTable.DEFAULT_SYMBOLS_OFFSET);
                added.put(s, id);
            }
            return id;
        }
    }
}
