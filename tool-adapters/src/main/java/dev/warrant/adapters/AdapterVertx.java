package dev.warrant.adapters;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;

/**
 * The one Vert.x instance the adapters' HTTP transports run on, created on first use and never closed.
 *
 * <p>Why its own instance rather than the gateway's: {@link Upstreams#connect} takes only a spec, and an
 * upstream must not share event loops with code that may block on it ({@link Upstream#close()} waits for its
 * DELETE). Its threads are daemons, so a program that forgets the adapters still exits; two event loops are
 * plenty for upstream I/O on this kind of machine, and nothing here runs blocking work.
 */
final class AdapterVertx {

    private AdapterVertx() {
    }

    private static final class Holder {
        static final Vertx VERTX = Vertx.vertx(new VertxOptions()
                .setUseDaemonThread(true)
                .setEventLoopPoolSize(Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())))
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
    }

    static Vertx vertx() {
        return Holder.VERTX;
    }

    /**
     * A fresh event-loop context of our instance (the next event loop, round robin). Created explicitly because
     * {@code getOrCreateContext()} called on another Vert.x instance's thread (the gateway's) would hand back a
     * context that runs there.
     */
    static Context newContext() {
        return ((VertxInternal) Holder.VERTX).createEventLoopContext();
    }
}
