package dev.warrant.delegation.internal;

import org.biscuitsec.biscuit.datalog.Fact;
import org.biscuitsec.biscuit.datalog.FactSet;
import org.biscuitsec.biscuit.datalog.Origin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The facts every call of one prepared token starts from (the token's facts, chain facts, the policy set's
 * facts), indexed by predicate name. Built once, then only read: calls add their own facts to a
 * {@link RequestWorld} on top instead of copying these (the library copies its whole world per call).
 *
 * <p>A fact's origin (the set of blocks it came from) is kept as an {@link OriginMask} bit set; two entries
 * are the same exactly when the library's {@code FactSet} would hold them once.
 */
final class FactBase {
    /** One fact with its origins, as the library's FactSet holds it ({@code Origin -> HashSet<Fact>}). */
    record Entry(long origins, Fact fact) {}

    static final Entry[] NONE = new Entry[0];

    private final Map<Long, Entry[]> byName;
    private final Set<Entry> all;

    private FactBase(Map<Long, Entry[]> byName, Set<Entry> all) {
        this.byName = byName;
        this.all = all;
    }

    static FactBase of(FactSet facts) {
        Map<Long, List<Entry>> lists = new HashMap<>();
        Set<Entry> all = new HashSet<>();
        for (Map.Entry<Origin, HashSet<Fact>> e : facts.facts().entrySet()) {
            long origins = OriginMask.of(e.getKey());
            for (Fact f : e.getValue()) {
                Entry entry = new Entry(origins, f);
                if (all.add(entry)) {
                    lists.computeIfAbsent(f.predicate().name(), k -> new ArrayList<>()).add(entry);
                }
            }
        }
        Map<Long, Entry[]> byName = new HashMap<>();
        lists.forEach((name, list) -> byName.put(name, list.toArray(NONE)));
        return new FactBase(byName, all);
    }

    Entry[] named(long name) {
        return byName.getOrDefault(name, NONE);
    }

    boolean contains(Entry e) {
        return all.contains(e);
    }

    int size() {
        return all.size();
    }
}
