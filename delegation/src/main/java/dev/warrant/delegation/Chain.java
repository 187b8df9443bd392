package dev.warrant.delegation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What a token says about itself, read from its blocks (verified or not, depending on the caller). */
record Chain(String agent, Optional<String> task, Optional<Identity> identity, Optional<Instant> issuedAt,
             Optional<Instant> expiresAt, List<String> members, List<String> traceContexts, List<Hop> hops) {

    /** One block: index in the token, the delegation it carries (if any) and its trace context (if any). */
    record Hop(int block, Optional<String> from, Optional<String> to, Optional<String> trace) {}

    Chain {
        members = List.copyOf(members);
        traceContexts = List.copyOf(traceContexts);
        hops = List.copyOf(hops);
    }

    String holder() {
        return members.get(members.size() - 1);
    }

    int depth() {
        return members.size() - 1;
    }
}
