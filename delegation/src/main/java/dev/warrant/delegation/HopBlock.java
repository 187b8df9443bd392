package dev.warrant.delegation;

import dev.warrant.delegation.internal.Datalog;
import org.biscuitsec.biscuit.token.builder.Block;
import org.biscuitsec.biscuit.token.builder.Check;
import org.biscuitsec.biscuit.token.builder.Expression;
import org.biscuitsec.biscuit.token.builder.Rule;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static dev.warrant.delegation.Vocabulary.*;
import static dev.warrant.delegation.internal.Datalog.*;

/**
 * Translates a {@link HopSpec} into a Biscuit block (docs/ARCHITECTURE.md §3.2), with builder objects
 * only. Never emits {@code !=} (inverted for booleans in biscuit-java 4.0.1, defect 3) nor scopes.
 */
final class HopBlock {
    private HopBlock() {}

    static Block build(HopSpec spec, String holder, Clock clock) {
        Block block = new Block();
        spec.delegateTo().ifPresent(to -> block.add_fact(fact(DELEGATION, str(holder), str(to))));
        spec.trace().ifPresent(t -> block.add_fact(fact(TRACE, str(t))));
        if (!spec.allows().isEmpty()) {
            block.add_check(allowList(spec.allows()));
        }
        for (HopSpec.ArgConstraint c : spec.argConstraints()) {
            block.add_check(argConstraint(c));
        }
        spec.ttl().ifPresent(ttl -> {
            Instant expires = clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(ttl.getSeconds());
            block.add_check(Datalog.expiryCheck(TIME, expires));
        });
        spec.peer().ifPresent(p -> block.add_check(checkIf(List.of(query(pred(PEER, str(p)))))));
        return block;
    }

    /**
     * One check with one alternative per (kind, server):
     * {@code check if request("tool", "notes", $n), ["a","b"].contains($n) or request("resource", "fs", $u),
     * $u.starts_with("file:///repo/") or request("tool", "github", $n)}.
     */
    static Check allowList(List<HopSpec.Allow> allows) {
        List<Rule> alternatives = new ArrayList<>();
        for (HopSpec.Allow a : allows) {
            if (a.anyName()) {
                alternatives.add(query(pred(REQUEST, str(a.kind()), str(a.server()), var("n"))));
            } else if (a.kind().equals(KIND_RESOURCE)) {
                for (String prefix : a.names()) {
                    alternatives.add(query(List.of(pred(REQUEST, str(a.kind()), str(a.server()), var("u"))),
                            List.of(binary(Expression.Op.Prefix, var("u"), str(prefix)))));
                }
            } else {
                alternatives.add(query(List.of(pred(REQUEST, str(a.kind()), str(a.server()), var("n"))),
                        List.of(binary(Expression.Op.Contains, strSet(a.names()), var("n")))));
            }
        }
        return checkIf(alternatives);
    }

    /** {@code check all arg...(key, $v), <condition> or method("tools/list")}. */
    static Check argConstraint(HopSpec.ArgConstraint c) {
        Rule constrained;
        if (c instanceof HopSpec.PathPrefix p) {
            constrained = query(List.of(pred(ARG_PATH, str(p.key()), var("p"))),
                    List.of(binary(Expression.Op.Prefix, var("p"), str(p.prefix()))));
        } else if (c instanceof HopSpec.ArgEquals e) {
            constrained = query(List.of(pred(ARG, str(e.key()), var("v"))),
                    List.of(binary(Expression.Op.Equal, var("v"), e.value() instanceof Long n ? integer(n) : str((String) e.value()))));
        } else {
            HopSpec.ArgRange r = (HopSpec.ArgRange) c;
            constrained = query(List.of(pred(ARG, str(r.key()), var("v"))),
                    List.of(binary(Expression.Op.GreaterOrEqual, var("v"), integer(r.min())),
                            binary(Expression.Op.LessOrEqual, var("v"), integer(r.max()))));
        }
        Rule listing = query(pred(METHOD, str(METHOD_TOOLS_LIST)));
        return checkAll(List.of(constrained, listing));
    }
}
