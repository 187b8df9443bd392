package dev.warrant.delegation;

import dev.warrant.delegation.Narrowing.Allowed;
import dev.warrant.delegation.internal.DecodedFact;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.warrant.delegation.Vocabulary.*;

/**
 * Folds the blocks into what the holder may finally do: the authority's rights met with every hop's allow-list,
 * every argument constraint, the earliest expiry and every peer binding. Checks it cannot summarize are kept
 * verbatim, so the summary never claims more than the token allows.
 */
final class EffectiveBuilder {
    private List<Allowed> allowed;
    private final Set<String> argumentConstraints = new LinkedHashSet<>();
    private Optional<Instant> expires;
    private final List<String> peers = new ArrayList<>();
    private final List<String> otherChecks = new ArrayList<>();

    EffectiveBuilder(BlockView authority) {
        this.allowed = rights(authority);
        this.expires = authority.facts().stream()
                .filter(f -> f.name().equals(EXPIRES) && f.arity() == 1 && f.terms().get(0) instanceof Instant)
                .map(f -> (Instant) f.terms().get(0)).findFirst();
    }

    /** {@code right(kind, server, name)} facts of the authority block; resources are URI prefixes. */
    static List<Allowed> rights(BlockView authority) {
        List<Allowed> out = new ArrayList<>();
        for (DecodedFact f : authority.facts()) {
            if (f.name().equals(RIGHT) && f.arity() == 3 && f.terms().stream().allMatch(t -> t instanceof String)) {
                String kind = (String) f.terms().get(0);
                String name = (String) f.terms().get(2);
                out.add(new Allowed(kind, (String) f.terms().get(1),
                        name.equals(ANY) ? Optional.empty() : Optional.of(name), kind.equals(KIND_RESOURCE)));
            }
        }
        return out;
    }

    void apply(Narrowing.Constraint c, int block, BlockView.CheckView check) {
        if (c instanceof Narrowing.Expiry e) {
            expires = Optional.of(expires.filter(x -> x.isBefore(e.at())).orElse(e.at()));
        } else if (c instanceof Narrowing.Peer p) {
            peers.add(p.identity());
        } else if (c instanceof Narrowing.AllowList list) {
            allowed = meet(allowed, list.items());
        } else if (c instanceof Narrowing.ArgRule r) {
            argumentConstraints.add(r.words());
        } else {
            otherChecks.add("block " + block + ": " + check.source());
        }
    }

    TokenInspector.Effective build(String holder) {
        return new TokenInspector.Effective(holder, new LinkedHashSet<>(allowed.stream().map(Allowed::words).toList())
                .stream().toList(), List.copyOf(argumentConstraints), expires, peers, otherChecks);
    }

    private static List<Allowed> meet(List<Allowed> current, List<Allowed> list) {
        List<Allowed> out = new ArrayList<>();
        for (Allowed r : current) {
            for (Allowed a : list) {
                if (r.kind().equals(a.kind()) && r.server().equals(a.server())) {
                    meet(r, a).filter(m -> !out.contains(m)).ifPresent(out::add);
                }
            }
        }
        return out;
    }

    /** The narrower of two items of one kind and server, or nothing when they do not overlap. */
    private static Optional<Allowed> meet(Allowed r, Allowed a) {
        if (a.name().isEmpty()) {
            return Optional.of(r);
        }
        if (r.name().isEmpty()) {
            return Optional.of(a);
        }
        String rn = r.name().get();
        String an = a.name().get();
        if (r.prefix() && a.prefix()) {
            return an.startsWith(rn) ? Optional.of(a) : rn.startsWith(an) ? Optional.of(r) : Optional.empty();
        }
        if (r.prefix()) {
            return an.startsWith(rn) ? Optional.of(a) : Optional.empty();
        }
        if (a.prefix()) {
            return rn.startsWith(an) ? Optional.of(r) : Optional.empty();
        }
        return rn.equals(an) ? Optional.of(r) : Optional.empty();
    }
}
