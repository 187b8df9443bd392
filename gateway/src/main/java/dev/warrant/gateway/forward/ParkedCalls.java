package dev.warrant.gateway.forward;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Upstream calls kept waiting on this member for a 2026 agent's answers ({@link InputBridge}): the agent got
 * {@code input_required}, and its retry names the parked call inside the sealed {@code requestState}. A parked
 * call is taken by exactly one retry; one that nobody takes by its expiry, or whose token is revoked, is
 * abandoned (the upstream's open requests are answered with an error, so the upstream call ends). A grant may
 * park at most {@code perGrant} calls, so one token cannot hold the member's memory.
 *
 * <p>The call lives in this member's memory: a retry that reaches another member finds nothing and is refused
 * {@code request_state_invalid} (docs/ARCHITECTURE.md §2.7).
 */
public final class ParkedCalls {

    /** One parked call: its upstream result (still to come), its open requests, whom it belongs to. */
    record Parked(Future<JsonObject> result, InputBridge bridge, VerifiedToken token, Instant expires) {
        String grant() {
            return token.grant();
        }
    }

    /** Calls one grant may have waiting for input on one member. */
    public static final int DEFAULT_PER_GRANT = 32;

    private final Map<String, Parked> parked = new ConcurrentHashMap<>();
    private final Map<String, Integer> perGrantCount = new ConcurrentHashMap<>();
    private final int perGrant;
    private final Clock clock;

    public ParkedCalls(int perGrant, Clock clock) {
        this.perGrant = perGrant;
        this.clock = clock;
    }

    /** @return the id the sealed state carries */
    synchronized String park(Parked call) {
        dropExpired();
        if (perGrantCount.getOrDefault(call.grant(), 0) >= perGrant) {
            call.bridge().abandon();
            throw WarrantException.of(Reason.SESSION_LIMIT, "this token already has " + perGrant
                    + " calls waiting for input on this member");
        }
        String id = UUID.randomUUID().toString();
        parked.put(id, call);
        perGrantCount.merge(call.grant(), 1, Integer::sum);
        // When the call ends on its own (the upstream gave up waiting), nobody can take it any more.
        call.result().onComplete(ar -> remove(id));
        return id;
    }

    /** The parked call with this id, taken out; null when there is none (taken, expired, another member). */
    synchronized Parked take(String id) {
        Parked call = id == null ? null : parked.get(id);
        if (call == null) {
            return null;
        }
        remove(id);
        if (!call.expires().isAfter(clock.instant())) {
            call.bridge().abandon();
            return null;
        }
        return call;
    }

    /** Abandons every parked call whose token matches; @return how many. */
    public int abandon(Predicate<VerifiedToken> which) {
        int n = 0;
        for (Map.Entry<String, Parked> e : Map.copyOf(parked).entrySet()) {
            if (which.test(e.getValue().token()) && remove(e.getKey()) != null) {
                e.getValue().bridge().abandon();
                n++;
            }
        }
        return n;
    }

    /** How many parked calls' tokens {@code which} matches, abandoning none (a revocation's preview). */
    public int count(Predicate<VerifiedToken> which) {
        return (int) parked.values().stream().filter(p -> which.test(p.token())).count();
    }

    public int size() {
        return parked.size();
    }

    private synchronized Parked remove(String id) {
        Parked call = parked.remove(id);
        if (call != null) {
            perGrantCount.computeIfPresent(call.grant(), (g, n) -> n <= 1 ? null : n - 1);
        }
        return call;
    }

    private void dropExpired() {
        Instant now = clock.instant();
        for (Map.Entry<String, Parked> e : Map.copyOf(parked).entrySet()) {
            if (!e.getValue().expires().isAfter(now) && remove(e.getKey()) != null) {
                e.getValue().bridge().abandon();
            }
        }
    }
}
