package dev.warrant.gateway.record.search;

import java.time.Duration;

/**
 * How much one page of a search may read before it answers with what it found and a cursor to continue
 * (docs/ARCHITECTURE.md §8.2): a search never holds a core for long, however large the log.
 *
 * @param maxBytes bytes of the log read for one page
 * @param maxTime  time spent on one page
 */
public record SearchBudget(long maxBytes, Duration maxTime) {

    /** See docs/ARCHITECTURE.md §11.36 for how these were chosen. */
    public static final SearchBudget DEFAULT = new SearchBudget(512L * 1024 * 1024, Duration.ofSeconds(1));

    public SearchBudget {
        if (maxBytes < 1 || maxTime == null || maxTime.isNegative() || maxTime.isZero()) {
            throw new IllegalArgumentException("a search budget needs bytes > 0 and a positive time");
        }
    }
}
