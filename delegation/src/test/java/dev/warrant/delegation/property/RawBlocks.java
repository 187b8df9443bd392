package dev.warrant.delegation.property;

import org.biscuitsec.biscuit.token.UnverifiedBiscuit;
import org.biscuitsec.biscuit.token.builder.Block;

import java.util.List;

/**
 * Appends a block written as Datalog text with the library itself: what an attacker holding a token can do
 * with any Biscuit library. Warrant's own API cannot write such blocks (HopSpec only builds narrowing checks),
 * so hostile hops are built here, in delegation's tests.
 */
final class RawBlocks {
    private RawBlocks() {}

    static String append(String token, List<String> statements) throws Exception {
        Block block = new Block();
        for (String s : statements) {
            if (s.startsWith("check ")) {
                block.add_check(s);
            } else if (s.contains("<-")) {
                block.add_rule(s);
            } else {
                block.add_fact(s);
            }
        }
        return UnverifiedBiscuit.from_b64url(token).attenuate(block).serialize_b64url();
    }
}
