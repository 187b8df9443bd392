package dev.warrant.delegation.internal;

import org.biscuitsec.biscuit.datalog.Fact;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The facts of one call: the shared {@link FactBase} (read only) plus this call's own facts (request facts
 * and facts derived by rules). Not thread safe; one per call.
 */
final class RequestWorld {
    private static final List<FactBase.Entry> EMPTY = List.of();

    private final FactBase base;
    private final Map<Long, List<FactBase.Entry>> added = new HashMap<>();
    private final Set<FactBase.Entry> addedSet = new HashSet<>();

    RequestWorld(FactBase base) {
        this.base = base;
    }

    /** Adds a fact unless the world holds it already (same fact, same origins); true if it was new. */
    boolean add(long origins, Fact fact) {
        return add(new FactBase.Entry(origins, fact));
    }

    boolean add(FactBase.Entry e) {
        if (base.contains(e) || !addedSet.add(e)) {
            return false;
        }
        added.computeIfAbsent(e.fact().predicate().name(), k -> new ArrayList<>()).add(e);
        return true;
    }

    boolean contains(FactBase.Entry e) {
        return base.contains(e) || addedSet.contains(e);
    }

    FactBase.Entry[] shared(long name) {
        return base.named(name);
    }

    List<FactBase.Entry> own(long name) {
        return added.getOrDefault(name, EMPTY);
    }

    /** Distinct (origins, fact) pairs, as the library's {@code FactSet.size()} counts them. */
    int size() {
        return base.size() + addedSet.size();
    }
}
