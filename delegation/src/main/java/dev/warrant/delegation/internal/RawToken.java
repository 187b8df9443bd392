package dev.warrant.delegation.internal;

import biscuit.format.schema.Schema;
import com.google.protobuf.InvalidProtocolBufferException;
import io.vavr.control.Either;
import org.biscuitsec.biscuit.datalog.Fact;
import org.biscuitsec.biscuit.datalog.SymbolTable;
import org.biscuitsec.biscuit.datalog.Term;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Reads the raw Biscuit protobuf: root key id, and the facts of each block decoded with the token's symbol
 * table. This does NOT verify anything: callers either verify the same bytes with the library first
 * ({@code Verifier}) or clearly present the result as unverified ({@code Delegator.holder}, the inspector).
 *
 * <p>Symbol resolution follows the format: the default table, then the symbols of the authority block and of
 * each first-party block, in order; a third-party block (external signature) has its own table.
 */
public final class RawToken {
    private RawToken() {}

    public static Schema.Biscuit parse(byte[] bytes) throws InvalidProtocolBufferException {
        return Schema.Biscuit.parseFrom(bytes);
    }

    public static OptionalInt rootKeyId(Schema.Biscuit token) {
        return token.hasRootKeyId() ? OptionalInt.of(token.getRootKeyId()) : OptionalInt.empty();
    }

    /** Facts per block, authority first. Throws IllegalArgumentException on an undecodable block. */
    public static List<List<DecodedFact>> facts(Schema.Biscuit token) {
        List<List<DecodedFact>> out = new ArrayList<>();
        SymbolTable shared = new SymbolTable();
        out.add(decodeBlock(token.getAuthority(), shared, 0));
        for (int i = 0; i < token.getBlocksCount(); i++) {
            Schema.SignedBlock signed = token.getBlocks(i);
            SymbolTable table = signed.hasExternalSignature() ? new SymbolTable() : shared;
            out.add(decodeBlock(signed, table, i + 1));
        }
        return out;
    }

    private static List<DecodedFact> decodeBlock(Schema.SignedBlock signed, SymbolTable table, int index) {
        Schema.Block block;
        try {
            block = Schema.Block.parseFrom(signed.getBlock());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("block " + index + " is not a valid Biscuit block");
        }
        for (String s : block.getSymbolsList()) {
            table.add(s);
        }
        List<DecodedFact> facts = new ArrayList<>(block.getFactsV2Count());
        for (Schema.FactV2 f : block.getFactsV2List()) {
            Either<?, Fact> res = Fact.deserializeV2(f);
            if (res.isLeft()) {
                throw new IllegalArgumentException("block " + index + " has an undecodable fact");
            }
            Fact fact = res.get();
            String name = symbol(table, fact.predicate().name(), index);
            List<Object> terms = new ArrayList<>();
            for (Term t : fact.predicate().terms()) {
                terms.add(value(t, table, index));
            }
            facts.add(new DecodedFact(name, terms));
        }
        return facts;
    }

    private static Object value(Term t, SymbolTable table, int index) {
        if (t instanceof Term.Str s) {
            return symbol(table, s.value(), index);
        } else if (t instanceof Term.Integer n) {
            return n.value();
        } else if (t instanceof Term.Date d) {
            return Instant.ofEpochSecond(d.value());
        } else if (t instanceof Term.Bool b) {
            return b.value();
        }
        return DecodedFact.OTHER;
    }

    private static String symbol(SymbolTable table, long id, int index) {
        if (id < 0 || id > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("block " + index + " references an unknown symbol");
        }
        return table.get_s((int) id).getOrElseThrow(
                () -> new IllegalArgumentException("block " + index + " references an unknown symbol"));
    }
}
