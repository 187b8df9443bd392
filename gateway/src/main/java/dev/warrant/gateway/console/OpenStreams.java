package dev.warrant.gateway.console;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This member's open approval streams, so that a new revocation makes each check its operator's token at once
 * rather than at its next heartbeat (docs/ARCHITECTURE.md §12.3).
 *
 * <p>Concurrency: streams join and leave on their own contexts; {@link #revoked} runs on whatever thread learned of
 * the revocation and hands each stream's check to that stream's context.
 */
final class OpenStreams {

    private final Set<ApprovalStream> open = ConcurrentHashMap.newKeySet();

    void add(ApprovalStream stream) {
        open.add(stream);
    }

    void remove(ApprovalStream stream) {
        open.remove(stream);
    }

    /** A revocation is new to this member: every stream checks its operator again. */
    void revoked() {
        open.forEach(ApprovalStream::recheck);
    }
}
