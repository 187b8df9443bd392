package dev.warrant.gateway.transport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls in flight in one {@link CallScope} (a 2025 session or a 2026 request), by request id, with how to
 * cancel each: so a cancellation reaches its call, and ending the scope ends them all. A call registered after
 * the end is cancelled at once; each cancel action runs at most once.
 *
 * <p>Concurrency: registered and removed from event loops, ended from whichever thread ends the scope.
 */
final class InFlightCalls {

    private final Map<Object, Runnable> calls = new ConcurrentHashMap<>();
    private volatile boolean ended;

    void track(Object requestId, Runnable cancel) {
        Object key = key(requestId);
        calls.put(key, cancel);
        // A call that arrives after the scope ended (e.g. its token was revoked meanwhile) ends at once.
        if (ended && calls.remove(key, cancel)) {
            cancel.run();
        }
    }

    void untrack(Object requestId) {
        calls.remove(key(requestId));
    }

    /** @return true when a call with this id was in flight and has been asked to cancel */
    boolean cancel(Object requestId) {
        Runnable cancel = calls.remove(key(requestId));
        if (cancel == null) {
            return false;
        }
        cancel.run();
        return true;
    }

    /** Cancels every call, and every one registered later. */
    void endAll() {
        ended = true;
        for (Object key : calls.keySet()) {
            Runnable cancel = calls.remove(key);
            if (cancel != null) {
                cancel.run();
            }
        }
    }

    // JSON numbers arrive as Integer or Long depending on size; cancellation must match either way.
    private static Object key(Object id) {
        return id == null ? "" : id instanceof Number n ? (Object) n.longValue() : id;
    }
}
