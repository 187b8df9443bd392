package dev.warrant.gateway.transport;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.errors.Reason;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The 2026-07-28 requests in flight on this member, so a revocation reaches them: there is no session to end,
 * so each request is its own scope ({@link ModernRequest}) for as long as its pipeline runs.
 */
public final class ModernRequests {

    private final Set<ModernRequest> live = ConcurrentHashMap.newKeySet();

    public ModernRequest open(VerifiedToken token) {
        ModernRequest request = new ModernRequest(token);
        live.add(request);
        return request;
    }

    public void close(ModernRequest request) {
        live.remove(request);
    }

    /** Ends every live request whose token {@code revoked} matches; @return how many. */
    public int end(Predicate<VerifiedToken> revoked, Reason reason) {
        int ended = 0;
        for (ModernRequest request : live) {
            if (revoked.test(request.token()) && live.remove(request)) {
                request.end(reason);
                ended++;
            }
        }
        return ended;
    }

    /** How many live requests' tokens {@code which} matches, ending none (a revocation's preview). */
    public int count(Predicate<VerifiedToken> which) {
        return (int) live.stream().filter(r -> which.test(r.token())).count();
    }

    public int size() {
        return live.size();
    }
}
