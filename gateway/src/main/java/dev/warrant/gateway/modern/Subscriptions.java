package dev.warrant.gateway.modern;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.ReplyChannel;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * This member's open 2026-07-28 {@code subscriptions/listen} streams. Each belongs to one grant (its token's
 * authority block) and counts against that grant's quota under a member-wide cap, so one token's flood of
 * streams cannot crowd out another's (docs/ARCHITECTURE.md §4.4).
 *
 * <p>Concurrency: opened and closed on event loops, pushed to from the list-change worker.
 */
public final class Subscriptions {

    /** The change notifications a client can ask for, by the flag it sets in {@code params.notifications}. */
    public enum Kind {
        TOOLS("toolsListChanged", "notifications/tools/list_changed"),
        PROMPTS("promptsListChanged", "notifications/prompts/list_changed"),
        RESOURCES("resourcesListChanged", "notifications/resources/list_changed");

        public final String flag;
        public final String method;

        Kind(String flag, String method) {
            this.flag = flag;
            this.method = method;
        }
    }

    /**
     * One open stream.
     *
     * @param id            the listen request's JSON-RPC id: the subscription id every notification carries
     * @param token         the token that opened it (what its notifications are filtered by)
     * @param virtualServer the upstream of {@code /servers/{name}/mcp}, or null on {@code /mcp}
     */
    public record Listener(Object id, VerifiedToken token, Optional<String> peer, String virtualServer,
                           Set<Kind> kinds, ReplyChannel channel) {
        String grant() {
            return token.grant();
        }

        /** Sends one notification of {@code kind}, tagged with this subscription's id. */
        void send(Kind kind) {
            channel.notify(new JsonObject().put("jsonrpc", "2.0").put("method", kind.method)
                    .put("params", new JsonObject().put("_meta", new JsonObject().put(MetaKeys.SUBSCRIPTION_ID, id))));
        }
    }

    private final int max;
    private final int perGrant;
    private final Map<String, Set<Listener>> byGrant = new ConcurrentHashMap<>();
    private int total;

    /**
     * @param max      streams on this member
     * @param perGrant streams of one grant on this member
     */
    public Subscriptions(int max, int perGrant) {
        this.max = max;
        this.perGrant = perGrant;
    }

    /** Registers a stream, or refuses with {@code session_limit} when its grant or the member is full. */
    public synchronized void open(Listener listener) {
        Set<Listener> mine = byGrant.computeIfAbsent(listener.grant(), g -> ConcurrentHashMap.newKeySet());
        if (mine.size() >= perGrant || total >= max) {
            if (mine.isEmpty()) {
                byGrant.remove(listener.grant());
            }
            throw WarrantException.of(Reason.SESSION_LIMIT, mine.size() >= perGrant
                    ? "this token already has " + perGrant + " subscriptions on this member"
                    : "this member has " + max + " subscriptions open");
        }
        mine.add(listener);
        total++;
    }

    public synchronized void close(Listener listener) {
        Set<Listener> mine = byGrant.get(listener.grant());
        if (mine != null && mine.remove(listener)) {
            total--;
            if (mine.isEmpty()) {
                byGrant.remove(listener.grant());
            }
        }
    }

    /**
     * Sends a {@code kind} notification to every stream that asked for it and whose caller {@code sees} the
     * change. @return how many were sent
     */
    public int push(Kind kind, Predicate<Listener> sees) {
        int sent = 0;
        for (Set<Listener> listeners : byGrant.values()) {
            for (Listener l : listeners) {
                if (l.kinds().contains(kind) && sees.test(l)) {
                    l.send(kind);
                    sent++;
                }
            }
        }
        return sent;
    }

    public synchronized int size() {
        return total;
    }
}
