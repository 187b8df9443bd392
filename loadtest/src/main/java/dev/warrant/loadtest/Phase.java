package dev.warrant.loadtest;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One phase of a run (warm-up or measured), bounded in calls AND time: an agent may start another call while
 * calls remain and the deadline has not passed. Calls already in flight at the deadline finish and count.
 */
final class Phase {

    final boolean measured;
    private final AtomicLong remaining;
    private final long deadlineNanos;

    Phase(boolean measured, long maxCalls, double maxSeconds) {
        this.measured = measured;
        this.remaining = new AtomicLong(maxCalls);
        this.deadlineNanos = System.nanoTime() + (long) (maxSeconds * 1e9);
    }

    boolean tryStartCall() {
        return System.nanoTime() - deadlineNanos < 0 && remaining.getAndDecrement() > 0;
    }
}
