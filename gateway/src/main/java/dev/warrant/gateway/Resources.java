package dev.warrant.gateway;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What a node has acquired, each registered as it is acquired and closed in the reverse order. A start that fails
 * and {@link Gateway#close()} close the same list, so there is one teardown, whichever way a node ends. A close that
 * fails is logged and the others still run; an asynchronous close is waited for, at most {@link #ASYNC_CLOSE_WAIT}.
 *
 * <p>Concurrency: registering and closing hold this object's monitor; closing twice closes nothing the second time.
 */
final class Resources implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Resources.class);

    /** How long one asynchronous close (Vert.x, the agent port) may take before the next close starts. */
    static final Duration ASYNC_CLOSE_WAIT = Duration.ofSeconds(10);

    /** One close action; it may throw, the others still run. */
    @FunctionalInterface
    interface Close {
        void close() throws Exception;
    }

    private record Entry(String name, Close close) {
    }

    private final Duration asyncCloseWait;
    /** Guarded by this. Most recent first. */
    private final Deque<Entry> acquired = new ArrayDeque<>();

    Resources() {
        this(ASYNC_CLOSE_WAIT);
    }

    Resources(Duration asyncCloseWait) {
        this.asyncCloseWait = asyncCloseWait;
    }

    /** Registers {@code resource} to be closed, and returns it. */
    synchronized <T extends AutoCloseable> T add(String name, T resource) {
        acquired.push(new Entry(name, resource::close));
        return resource;
    }

    /** Registers a close action for something that is not itself closeable (e.g. the sessions of a registry). */
    synchronized void onClose(String name, Close close) {
        acquired.push(new Entry(name, close));
    }

    /** Registers a close that completes later, such as Vert.x's: it is waited for, at most {@link #ASYNC_CLOSE_WAIT}. */
    void onAsyncClose(String name, Supplier<Future<?>> close) {
        onClose(name, () -> close.get().toCompletionStage().toCompletableFuture()
                .get(asyncCloseWait.toMillis(), TimeUnit.MILLISECONDS));
    }

    /**
     * Makes the resource registered as {@code name} the first to close, whenever it was acquired: the agent port,
     * so that a stopping node takes no new request while it closes what serves them.
     */
    synchronized void closeFirst(String name) {
        for (Entry e : acquired) {
            if (e.name().equals(name)) {
                acquired.remove(e);
                acquired.push(e);
                return;
            }
        }
        throw new IllegalArgumentException("nothing registered as " + name);
    }

    /** Closes everything registered, most recent first. */
    @Override
    public synchronized void close() {
        Error fatal = null;
        for (Entry e = acquired.poll(); e != null; e = acquired.poll()) {
            try {
                e.close().close();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                LOG.warn("closing {}: interrupted while waiting", e.name());
            } catch (Exception ex) {
                LOG.warn("closing {} failed: {}", e.name(), ex.toString());
            } catch (Error ex) {
                // Still close the rest: an Error here (e.g. a class that fails to load) must not leak the others.
                LOG.error("closing {} failed", e.name(), ex);
                fatal = fatal == null ? ex : fatal;
            }
        }
        if (fatal != null) {
            throw fatal;
        }
    }
}
