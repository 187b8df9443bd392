package dev.warrant.gateway.record.search;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A query's filters twice: as byte patterns a matching line must contain (its fields exactly as the writer
 * encodes them, e.g. {@code "caller":"researcher"}), which rule out most lines before any JSON is parsed, and as
 * exact comparisons on the parsed line, which decide. Patterns are Latin-1 strings over the line's UTF-8 bytes,
 * so {@link String#indexOf} (vectorised by the JVM) searches raw blocks.
 */
final class LineMatcher {

    private static final JsonFactory JSON = new JsonFactory();

    private final AuditQuery query;
    /** Most selective first: the first is searched for in whole blocks, the others in each candidate line. */
    private final List<String> patterns = new ArrayList<>();

    LineMatcher(AuditQuery query) {
        this.query = query;
        field("caller", query.caller());
        field("task", query.task());
        if (query.chainMember() != null) {
            patterns.add(encoded(query.chainMember()));
        }
        field("target", query.tool());
        field("reason", query.reason());
        field("decision", query.decision());
    }

    private void field(String name, String value) {
        if (value != null) {
            patterns.add("\"" + name + "\":" + encoded(value));
        }
    }

    /** The pattern to look for in whole blocks; null when every line is a candidate. */
    String primary() {
        return patterns.isEmpty() ? null : patterns.get(0);
    }

    /** True when {@code line} (Latin-1 over UTF-8) contains every other pattern. */
    boolean mayMatch(String line) {
        for (int i = 1; i < patterns.size(); i++) {
            if (!line.contains(patterns.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The exact test on the parsed line. */
    boolean matches(AuditEntry e) {
        return equal(query.caller(), e.caller())
                && equal(query.task(), e.task())
                && equal(query.tool(), e.target())
                && equal(query.reason(), e.reason())
                && equal(query.decision(), e.decision())
                && (query.chainMember() == null || query.chainMember().equals(e.caller())
                    || e.chain().contains(query.chainMember()))
                && (query.from() == null || !e.time().isBefore(query.from()))
                && (query.to() == null || !e.time().isAfter(query.to()));
    }

    private static boolean equal(String wanted, String actual) {
        return wanted == null || wanted.equals(actual);
    }

    /** {@code value} as a JSON string, encoded as the audit writer encodes it, as Latin-1 over its UTF-8 bytes. */
    private static String encoded(String value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
    }
}
