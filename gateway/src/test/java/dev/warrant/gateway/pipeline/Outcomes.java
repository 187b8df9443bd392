package dev.warrant.gateway.pipeline;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.Future;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** What a stage's future came to, checked without waiting unboundedly. */
public final class Outcomes {

    private static final long WAIT_SECONDS = 10;

    private Outcomes() {
    }

    /** The reason of an already completed refusal. */
    public static Reason refusal(Future<?> future) {
        assertThat(future.isComplete()).as("answered at once, not hanging").isTrue();
        assertThat(future.failed()).as("refused, but answered " + future.result()).isTrue();
        assertThat(future.cause()).isInstanceOf(WarrantException.class);
        return ((WarrantException) future.cause()).reason();
    }

    /** Waits (bounded) for a future completed on another thread and returns its result. */
    public static <T> T awaitResult(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("failed instead of answering", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("no answer within " + WAIT_SECONDS + " s", e);
        }
    }

    /** Waits (bounded) for a future completed on another thread to fail, and returns why. */
    public static Throwable awaitFailure(Future<?> future) {
        try {
            Object result = future.toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
            return fail("answered " + result + " instead of failing");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("no answer within " + WAIT_SECONDS + " s", e);
        }
    }

    /** Waits (bounded) for a refusal and returns its reason. */
    public static Reason awaitRefusal(Future<?> future) {
        Throwable cause = awaitFailure(future);
        assertThat(cause).isInstanceOf(WarrantException.class);
        return ((WarrantException) cause).reason();
    }
}
