package dev.warrant.policies.limits;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts denials per caller in a sliding window and says when a caller passes its {@link DriftThreshold}.
 * Each caller keeps at most {@code maxDenials + 1} timestamps, and at most {@code maxCallers} callers are
 * tracked: when full, callers with no denial inside the window are dropped first (losslessly), then arbitrary
 * ones (a flood of distinct drifting callers may then escape for one window; memory stays bounded).
 *
 * <p>Concurrency: lock-free map; each caller's deque is guarded by itself. Safe on the event loop.
 */
public final class DenialWindow {

    private final DriftThreshold threshold;
    private final Ticker ticker;
    private final int maxCallers;
    private final long windowNanos;
    private final ConcurrentHashMap<String, ArrayDeque<Long>> denials = new ConcurrentHashMap<>();

    public DenialWindow(DriftThreshold threshold, Ticker ticker, int maxCallers) {
        if (maxCallers < 1) {
            throw new IllegalArgumentException("maxCallers must be at least 1");
        }
        this.threshold = threshold;
        this.ticker = ticker;
        this.maxCallers = maxCallers;
        this.windowNanos = threshold.window().toNanos();
    }

    public DriftThreshold threshold() {
        return threshold;
    }

    /**
     * Records one denial of {@code caller}.
     *
     * @return true exactly when this denial takes the caller over the threshold; its count then starts again,
     *         so one burst of drift trips once
     */
    public boolean deny(String caller) {
        return deny(caller, threshold.maxDenials());
    }

    /** As {@link #deny(String)}, against {@code maxDenials} instead of the threshold's (a member's share of it). */
    public boolean deny(String caller, int maxDenials) {
        long now = ticker.read();
        ArrayDeque<Long> times = denials.get(caller);
        if (times == null) {
            if (denials.size() >= maxCallers) {
                evict(now);
            }
            times = denials.computeIfAbsent(caller, c -> new ArrayDeque<>());
        }
        synchronized (times) {
            dropOld(times, now);
            times.addLast(now);
            if (times.size() > maxDenials) {
                times.clear();
                return true;
            }
            return false;
        }
    }

    /** Denials of {@code caller} still inside the window. */
    public int count(String caller) {
        ArrayDeque<Long> times = denials.get(caller);
        if (times == null) {
            return 0;
        }
        synchronized (times) {
            dropOld(times, ticker.read());
            return times.size();
        }
    }

    public int trackedCallers() {
        return denials.size();
    }

    private void dropOld(ArrayDeque<Long> times, long now) {
        while (!times.isEmpty() && now - times.peekFirst() >= windowNanos) {
            times.removeFirst();
        }
    }

    private void evict(long now) {
        denials.values().removeIf(times -> {
            synchronized (times) {
                dropOld(times, now);
                return times.isEmpty();
            }
        });
        Iterator<String> it = denials.keySet().iterator();
        while (denials.size() >= maxCallers && it.hasNext()) {
            it.next();
            it.remove();
        }
    }
}
