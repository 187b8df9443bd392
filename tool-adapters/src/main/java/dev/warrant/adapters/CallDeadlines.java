package dev.warrant.adapters;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request timeouts without a timer per call: one daemon thread sweeps the pending tables of the open upstreams
 * every {@link #SWEEP_MILLIS} and abandons the calls past their deadline.
 *
 * <p>Why not a scheduled task per call: scheduling and cancelling woke or locked the timer thread once per call,
 * for a timeout that almost never fires (docs/PERFORMANCE-HISTORY.md). A sweep looks at each call in flight
 * ({@code maxConcurrent} per upstream at most) a few times a second; a timeout fires up to one sweep late,
 * which no request timeout (seconds) notices.
 */
final class CallDeadlines {

    private static final Logger log = LoggerFactory.getLogger(CallDeadlines.class);
    static final long SWEEP_MILLIS = 50;

    private static final Set<Watched> WATCHED = ConcurrentHashMap.newKeySet();

    private CallDeadlines() {
    }

    /** An upstream whose calls have deadlines. */
    interface Watched {
        String name();

        /** Abandons the calls past their deadline at {@code nowNanos} ({@link System#nanoTime()}). */
        void expire(long nowNanos);
    }

    private static final class Sweeper {
        static final Thread THREAD = start();

        private static Thread start() {
            Thread thread = new Thread(CallDeadlines::sweepForever, "warrant-upstream-deadlines");
            thread.setDaemon(true);
            thread.start();
            return thread;
        }
    }

    /** Starts watching {@code upstream}'s calls; until {@link #unwatch}. */
    static void watch(Watched upstream) {
        WATCHED.add(upstream);
        if (!Sweeper.THREAD.isAlive()) {
            log.error("the upstream deadline sweeper is not running: request timeouts will not fire");
        }
    }

    static void unwatch(Watched upstream) {
        WATCHED.remove(upstream);
    }

    private static void sweepForever() {
        while (true) {
            try {
                TimeUnit.MILLISECONDS.sleep(SWEEP_MILLIS);
            } catch (InterruptedException e) {
                return; // daemon: only the JVM's end stops it
            }
            long now = System.nanoTime();
            for (Watched upstream : WATCHED) {
                try {
                    upstream.expire(now);
                } catch (RuntimeException e) {
                    // One upstream's failure must not stop timeouts for the others.
                    log.warn("expiring calls of upstream {} failed", upstream.name(), e);
                }
            }
        }
    }
}
