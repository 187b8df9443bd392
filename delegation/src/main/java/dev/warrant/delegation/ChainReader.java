package dev.warrant.delegation;

import dev.warrant.delegation.internal.DecodedFact;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.warrant.delegation.Vocabulary.*;

/**
 * Reads identity, dates and the delegation chain from decoded block facts, enforcing the token contract:
 * exactly one agent, at most one task and one identity, at most one issued_at/expires (dates), at most one delegation and
 * one trace per block, and chain continuity (hop i's {@code from} is the holder after hop i-1).
 */
final class ChainReader {
    private ChainReader() {}

    static Chain read(List<List<DecodedFact>> blocks) throws TokenException {
        List<DecodedFact> authority = blocks.get(0);
        String agent = single(authority, AGENT, 0).map(f -> string(f, 0, 0))
                .orElseThrow(() -> new TokenException(TokenReason.MALFORMED, "authority block has no agent fact"));
        Optional<String> task = single(authority, TASK, 0).map(f -> string(f, 0, 0));
        Optional<Identity> identity = single(authority, IDENTITY, 0).map(ChainReader::identity);
        Optional<Instant> issuedAt = single(authority, ISSUED_AT, 0).map(f -> date(f, 0, 0));
        Optional<Instant> expiresAt = single(authority, EXPIRES, 0).map(f -> date(f, 0, 0));
        if (authority.stream().anyMatch(f -> f.name().equals(DELEGATION))) {
            throw new TokenException(TokenReason.MALFORMED, "authority block must not contain a delegation fact");
        }

        List<String> members = new ArrayList<>(List.of(agent));
        List<String> traces = new ArrayList<>();
        List<Chain.Hop> hops = new ArrayList<>();
        single(authority, TRACE, 0).map(f -> string(f, 0, 0)).ifPresent(traces::add);
        for (int index = 1; index < blocks.size(); index++) {
            final int i = index;
            List<DecodedFact> block = blocks.get(i);
            Optional<DecodedFact> delegation = single(block, DELEGATION, i);
            Optional<String> trace = single(block, TRACE, i).map(f -> string(f, 0, i));
            Optional<String> from = Optional.empty();
            Optional<String> to = Optional.empty();
            if (delegation.isPresent()) {
                DecodedFact d = delegation.get();
                if (d.arity() != 2) {
                    throw new TokenException(TokenReason.MALFORMED, "delegation fact of block " + i + " needs 2 terms");
                }
                from = Optional.of(string(d, 0, i));
                to = Optional.of(string(d, 1, i));
                String holder = members.get(members.size() - 1);
                if (!from.get().equals(holder)) {
                    throw new TokenException(TokenReason.BROKEN_CHAIN, "block " + i + " delegates from '"
                            + from.get() + "' but the holder is '" + holder + "'");
                }
                members.add(to.get());
            }
            trace.ifPresent(traces::add);
            hops.add(new Chain.Hop(i, from, to, trace));
        }
        return new Chain(agent, task, identity, issuedAt, expiresAt, members, traces, hops);
    }

    private static Optional<DecodedFact> single(List<DecodedFact> facts, String name, int block) {
        DecodedFact found = null;
        for (DecodedFact f : facts) {
            if (f.name().equals(name)) {
                if (found != null) {
                    throw new Malformed("block " + block + " has more than one " + name + " fact");
                }
                found = f;
            }
        }
        return Optional.ofNullable(found);
    }

    private static String string(DecodedFact f, int pos, int block) {
        if (pos >= f.arity() || !(f.terms().get(pos) instanceof String s)) {
            throw new Malformed(f.name() + " fact of block " + block + " must hold a string");
        }
        if (f.name().equals(AGENT) || f.name().equals(TASK) || f.name().equals(TRACE)) {
            if (f.arity() != 1) {
                throw new Malformed(f.name() + " fact of block " + block + " must have exactly one term");
            }
        }
        return s;
    }

    private static Identity identity(DecodedFact f) {
        if (f.arity() != 2) {
            throw new Malformed("identity fact of block 0 must have exactly two terms");
        }
        try {
            return new Identity(string(f, 0, 0), string(f, 1, 0));
        } catch (IllegalArgumentException e) {
            throw new Malformed("identity fact of block 0: " + e.getMessage());
        }
    }

    private static Instant date(DecodedFact f, int pos, int block) {
        if (f.arity() != 1 || !(f.terms().get(pos) instanceof Instant t)) {
            throw new Malformed(f.name() + " fact of block " + block + " must hold one date");
        }
        return t;
    }

    /** Unchecked carrier so lambdas can fail; converted to TokenException(MALFORMED) by callers. */
    static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** read(), with Malformed mapped to a TokenException. */
    static Chain readStrict(List<List<DecodedFact>> blocks) throws TokenException {
        try {
            return read(blocks);
        } catch (Malformed e) {
            throw new TokenException(TokenReason.MALFORMED, e.getMessage());
        }
    }
}
