package dev.warrant.gateway.pipeline;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.concurrent.CompletionStage;

/**
 * Brings a result that completes on another thread (an adapter, Hazelcast, the audit writer) back to the Vert.x
 * context of the caller, so whoever continues touches the exchange on its own event loop. Outside a context (a
 * test, a worker) the future completes where the stage does.
 */
public final class OnCallerContext {

    private OnCallerContext() {
    }

    /** Call it on the thread that will continue with the result. */
    public static <T> Future<T> future(CompletionStage<T> stage) {
        Context context = Vertx.currentContext();
        return context == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, context);
    }
}
