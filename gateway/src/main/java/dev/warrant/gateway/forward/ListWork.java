package dev.warrant.gateway.forward;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;

/**
 * Where a list answer is computed. A list decides visibility once per catalog entry (one authorization each,
 * ~7 us cached), so a catalog of thousands of entries would hold the event loop for tens to hundreds of
 * milliseconds (measured: 10k tools, 153 ms; docs/PERFORMANCE.md "Curves"). Small catalogs stay on the loop,
 * where a hand-off would cost more than the work; large ones move to a worker thread (unordered: lists do not
 * depend on each other).
 */
final class ListWork {

    /** Entries up to which deciding inline is cheaper than a hand-off (~64 x 7 us = 0.45 ms at most). */
    static final int INLINE_LIMIT = 64;

    private ListWork() {
    }

    static <T> Future<T> run(int entries, Callable<T> work) {
        Context context = Vertx.currentContext();
        if (entries <= INLINE_LIMIT || context == null || !Context.isOnEventLoopThread()) {
            try {
                return Future.succeededFuture(work.call());
            } catch (Exception e) {
                return Future.failedFuture(e);
            }
        }
        return context.executeBlocking(work, false);
    }
}
