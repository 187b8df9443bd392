package dev.warrant.gateway.tasks;

import dev.warrant.delegation.VerifiedToken;

import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The tasks this member created and that may still run upstream, with the token that created each, so that
 * revoking a token ends its tasks: {@link #end} sends {@code tasks/cancel} for each task whose token a revocation
 * covers and forgets it cluster-wide. A task leaves when it reaches a terminal status in a poll, when the agent
 * cancels it, or when it expires.
 *
 * <p>Only the creating member knows the token object, so only it cancels; if it is gone, the task's
 * {@code tasks/*} requests still fail everywhere, because the revoked token no longer authenticates
 * (docs/ARCHITECTURE.md §2.7).
 */
public final class LiveTasks {

    /** One task to cancel if its token is revoked. */
    record Live(VerifiedToken token, String server, String upstreamTaskId, Instant expires) {
    }

    /** Sends {@code tasks/cancel} for a task upstream. */
    public interface Canceller {
        void cancel(String server, String upstreamTaskId);
    }

    private final Map<String, Live> live = new ConcurrentHashMap<>();
    private final Canceller canceller;
    private final TaskStore store;
    private final Clock clock;

    /** @param canceller how to cancel upstream; @param store where ended tasks are forgotten */
    public LiveTasks(Canceller canceller, TaskStore store, Clock clock) {
        this.canceller = canceller;
        this.store = store;
        this.clock = clock;
    }

    void track(String handle, Live task) {
        if (live.size() % 1024 == 0) {
            dropExpired();
        }
        live.put(handle, task);
    }

    void untrack(String handle) {
        live.remove(handle);
    }

    /** Cancels upstream and forgets every task whose token matches; @return how many. */
    public int end(Predicate<VerifiedToken> which) {
        int n = 0;
        for (Iterator<Map.Entry<String, Live>> it = live.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Live> entry = it.next();
            if (which.test(entry.getValue().token())) {
                it.remove();
                canceller.cancel(entry.getValue().server(), entry.getValue().upstreamTaskId());
                store.remove(entry.getKey());
                n++;
            }
        }
        return n;
    }

    /** How many live tasks' tokens {@code which} matches, cancelling none (a revocation's preview). */
    public int count(Predicate<VerifiedToken> which) {
        return (int) live.values().stream().filter(t -> which.test(t.token())).count();
    }

    int size() {
        return live.size();
    }

    private void dropExpired() {
        Instant now = clock.instant();
        live.values().removeIf(task -> !task.expires().isAfter(now));
    }
}
