package dev.warrant.delegation.internal;

import java.util.List;

/**
 * A fact of one block, decoded to plain Java values: String, Long, java.time.Instant (dates), Boolean; any
 * other term kind (bytes, sets) is represented by {@link #OTHER} so readers can reject it.
 */
public record DecodedFact(String name, List<Object> terms) {
    public static final Object OTHER = new Object() {
        @Override
        public String toString() {
            return "<unsupported term>";
        }
    };

    public DecodedFact {
        terms = List.copyOf(terms);
    }

    public int arity() {
        return terms.size();
    }
}
