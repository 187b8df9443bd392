package dev.warrant.delegation.internal;

import biscuit.format.schema.Schema;
import com.google.protobuf.InvalidProtocolBufferException;

import java.util.Optional;

/**
 * Refuses token blocks whose evaluation cost is not linear in their size.
 *
 * <p>Why: biscuit-java 4.0.1 checks its time limit only when a rule produces a fact, and never while it
 * evaluates a check. A 1.3 KB hop with 40 facts and {@code check if n($a), n($b), n($c), n($d), <false>}
 * takes 4-11 s per authorization (five predicates: minutes), and a rule whose three-predicate body derives
 * nothing takes 1-1.6 s (four: about a minute). Every query Warrant writes has one predicate, so tokens are
 * held to that: at most one body predicate per rule and per check query. A check then costs one scan of the
 * facts; a one-predicate rule derives at least one fact per iteration or stops, so the library's time limit
 * (checked per derived fact) and its iteration and fact limits bound it.
 */
public final class TokenShape {
    private TokenShape() {}

    /** Describes the first block that breaks the shape, if any. */
    public static Optional<String> firstViolation(Schema.Biscuit token) {
        Optional<String> v = violation(token.getAuthority(), 0);
        for (int i = 0; v.isEmpty() && i < token.getBlocksCount(); i++) {
            v = violation(token.getBlocks(i), i + 1);
        }
        return v;
    }

    private static Optional<String> violation(Schema.SignedBlock signed, int index) {
        Schema.Block block;
        try {
            block = Schema.Block.parseFrom(signed.getBlock());
        } catch (InvalidProtocolBufferException e) {
            return Optional.of("block " + index + " is not a valid Biscuit block");
        }
        for (Schema.RuleV2 rule : block.getRulesV2List()) {
            if (rule.getBodyCount() > 1) {
                return Optional.of("block " + index + " has a rule joining " + rule.getBodyCount()
                        + " predicates (at most one)");
            }
        }
        for (Schema.CheckV2 check : block.getChecksV2List()) {
            for (Schema.RuleV2 query : check.getQueriesList()) {
                if (query.getBodyCount() > 1) {
                    return Optional.of("block " + index + " has a check joining " + query.getBodyCount()
                            + " predicates (at most one per alternative)");
                }
            }
        }
        return Optional.empty();
    }
}
