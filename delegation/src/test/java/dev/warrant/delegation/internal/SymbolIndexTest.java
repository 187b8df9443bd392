package dev.warrant.delegation.internal;

import org.biscuitsec.biscuit.datalog.SymbolTable;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The hash-map conversion gives the library's own facts and leaves the call's symbol table as the library would. */
class SymbolIndexTest {

    @Test
    void convertsExactlyAsTheLibraryDoes() {
        SymbolTable prepared = new SymbolTable();
        for (String s : List.of("caller", "request", "arg", "notes", "read_note", "planner")) {
            prepared.insert(s);
        }
        List<RequestFact> facts = List.of(
                RequestFact.of("request", Datalog.str("tool"), Datalog.str("notes"), Datalog.str("read_note")),
                RequestFact.of("arg", Datalog.str("path"), Datalog.str("/notes/new-string")),
                RequestFact.of("arg", Datalog.str("again"), Datalog.str("/notes/new-string")), // appended once
                RequestFact.of("arg", Datalog.str("n"), Datalog.integer(42)),
                RequestFact.of("time", Datalog.date(Instant.parse("2026-11-26T03:00:00Z"))),
                RequestFact.of("tags", Datalog.strSet(List.of("read", "planner", "fresh-tag"))),
                RequestFact.of("resource", Datalog.str("read"))); // a default symbol keeps its default id

        SymbolTable ours = new SymbolTable(prepared);
        SymbolIndex.Converter converter = new SymbolIndex(prepared).converter(ours);
        SymbolTable library = new SymbolTable(prepared);
        for (RequestFact f : facts) {
            assertThat(converter.fact(f)).as(f.toString()).isEqualTo(f.toFact().convert(library));
        }
        assertThat(ours.symbols).isEqualTo(library.symbols);
        // A later insert by an expression finds what the conversion appended.
        assertThat(ours.insert("/notes/new-string")).isEqualTo(library.insert("/notes/new-string"));
    }
}
