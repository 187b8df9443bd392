package dev.warrant.adapters;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread for all request timeouts of all upstreams. Tasks only complete futures and enqueue a
 * cancel notification, so one thread is plenty; cancelled timers are removed at once, so finished calls do
 * not pile up until their deadline.
 */
final class Timers {

    private static final ScheduledThreadPoolExecutor TIMER = create();

    private Timers() {
    }

    static ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        return TIMER.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "warrant-upstream-timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
