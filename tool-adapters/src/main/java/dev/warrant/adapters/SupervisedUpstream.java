package dev.warrant.adapters;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an upstream connected: when its connection ends without {@link #close()} (a stdio process crashed,
 * was killed or closed stdout; an SSE stream ended; an HTTP session was lost), it connects again after a
 * {@link Backoff} delay (for stdio: starts a new process) and redoes the handshake, for as long as this
 * upstream is not closed.
 *
 * <p>What callers see: calls in flight when the connection ends fail with {@code UNAVAILABLE} (for stdio
 * "exited with code ..."); calls while it is down fail at once with {@code UNAVAILABLE} and never hang;
 * {@link #isOpen()} is false until the new connection has answered initialize. Listeners stay registered across restarts; they
 * hear {@code onClosed} only when this upstream is closed for good. After a restart they receive
 * {@code notifications/tools/list_changed} (and the resources/prompts ones, for the capabilities the new
 * process declares): a new process may serve a different catalog, and that is the signal that makes
 * catalogs reload.
 *
 * <p>Concurrency: {@link #current} is swapped by the restart sequence, which runs on one thread at a time
 * (the adapter's timer hands each attempt to the common pool; the next attempt is scheduled only when the
 * previous one finished). Readers see either the old closed connection or the new open one.
 */
final class SupervisedUpstream implements Upstream {

    private static final Logger log = LoggerFactory.getLogger(SupervisedUpstream.class);

    private final UpstreamSpec spec;
    private final Supplier<CompletableFuture<Upstream>> connector;
    private final Backoff backoff;
    /** The caller's listeners, each with the wrapper that is registered on every connection. */
    private final Map<UpstreamListener, UpstreamListener> listeners = new ConcurrentHashMap<>();
    private volatile Upstream current;
    private volatile long openedAtNanos;
    private volatile String down = "is starting";
    /** The last reason the connection ended or a restart failed, and when; null until the first. */
    private volatile LastError lastError;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean closed;
    private volatile ScheduledFuture<?> pendingRestart;

    private SupervisedUpstream(UpstreamSpec spec, Supplier<CompletableFuture<Upstream>> connector, Backoff backoff) {
        this.spec = spec;
        this.connector = connector;
        this.backoff = backoff;
    }

    /** Makes the first connection; a server that cannot start at all fails here (no supervision yet). */
    static CompletableFuture<Upstream> start(UpstreamSpec spec, Supplier<CompletableFuture<Upstream>> connector,
            Backoff backoff) {
        SupervisedUpstream supervised = new SupervisedUpstream(spec, connector, backoff);
        return connector.get().thenApply(first -> {
            supervised.attach(first);
            return supervised;
        });
    }

    private void attach(Upstream connection) {
        listeners.values().forEach(connection::addListener);
        // One restart per lost connection, whether its onClosed or the isOpen check below notices first.
        AtomicBoolean lost = new AtomicBoolean();
        connection.addListener(new UpstreamListener() {
            @Override
            public void onClosed(UpstreamException cause) {
                if (lost.compareAndSet(false, true)) {
                    connectionLost(cause);
                }
            }
        });
        openedAtNanos = System.nanoTime();
        current = connection;
        if (!connection.isOpen() && lost.compareAndSet(false, true)) {
            connectionLost(new UpstreamException(UpstreamException.Kind.UNAVAILABLE,
                    "upstream " + spec.name() + " closed right after its handshake"));
        }
    }

    private void connectionLost(UpstreamException cause) {
        if (closed) {
            return;
        }
        backoff.connectionEnded(Duration.ofNanos(System.nanoTime() - openedAtNanos));
        scheduleRestart(cause.getMessage());
    }

    private void scheduleRestart(String cause) {
        String prefix = "upstream " + spec.name() + " ";
        String why = cause != null && cause.startsWith(prefix) ? cause.substring(prefix.length()) : cause;
        lastError = new LastError(String.valueOf(why), java.time.Instant.now());
        Duration delay = backoff.nextDelay();
        down = "is down (" + why + "); restarting in " + delay.toMillis() + " ms";
        log.warn("upstream {} {}", spec.name(), down);
        // The timer thread serves every request timeout: starting a process or connecting happens elsewhere.
        pendingRestart = Timers.schedule(delay, () -> ForkJoinPool.commonPool().execute(this::restart));
        if (closed) {
            pendingRestart.cancel(false);
        }
    }

    private void restart() {
        if (closed) {
            return;
        }
        down = "is restarting";
        connector.get().whenComplete((connection, error) -> {
            if (error != null) {
                scheduleRestart(JsonRpcUpstream.asUpstreamException(error).getMessage());
            } else if (closed) {
                connection.closeAsync();
            } else {
                log.info("upstream {} restarted", spec.name());
                attach(connection);
                if (closed) {
                    connection.closeAsync(); // close() ran while we attached: it may have missed this one
                } else if (connection.isOpen()) {
                    announceCatalogs(connection);
                }
            }
        });
    }

    private void announceCatalogs(Upstream connection) {
        Object capabilities = connection.initializeResult().get("capabilities");
        if (!(capabilities instanceof Map<?, ?> declared)) {
            return;
        }
        for (String feature : new String[] {"tools", "resources", "prompts"}) {
            if (declared.containsKey(feature)) {
                JsonRpcNotification changed =
                        new JsonRpcNotification("notifications/" + feature + "/list_changed", Map.of());
                for (UpstreamListener listener : listeners.keySet()) {
                    try {
                        listener.onNotification(changed);
                    } catch (RuntimeException e) {
                        log.warn("listener of upstream {} failed on {}", spec.name(), changed.method(), e);
                    }
                }
            }
        }
    }

    @Override
    public UpstreamCall call(String method, Map<String, Object> params, Consumer<JsonRpcNotification> progress) {
        Upstream connection = current;
        if (closed || connection == null || !connection.isOpen()) {
            return new FailedCall(unavailable());
        }
        return connection.call(method, params, progress);
    }

    @Override
    public CompletableFuture<Void> notify(String method, Map<String, Object> params) {
        Upstream connection = current;
        if (closed || connection == null || !connection.isOpen()) {
            return CompletableFuture.failedFuture(unavailable());
        }
        return connection.notify(method, params);
    }

    private UpstreamException unavailable() {
        return new UpstreamException(UpstreamException.Kind.UNAVAILABLE,
                "upstream " + spec.name() + " " + (closed ? "is closed" : down));
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public UpstreamSpec spec() {
        return spec;
    }

    /** The current (or, while down, the last) connection's initialize result. */
    @Override
    public Map<String, Object> initializeResult() {
        Upstream connection = current;
        return connection == null ? Map.of() : connection.initializeResult();
    }

    @Override
    public void addListener(UpstreamListener listener) {
        UpstreamListener perConnection = new UpstreamListener() {
            @Override
            public void onNotification(JsonRpcNotification notification) {
                listener.onNotification(notification);
            }

            @Override
            public CompletableFuture<Map<String, Object>> onServerRequest(String method, Map<String, Object> params) {
                return listener.onServerRequest(method, params);
            }
            // onClosed: deliberately not forwarded; a restart is not the end (see close()).
        };
        if (listeners.putIfAbsent(listener, perConnection) == null) {
            Upstream connection = current;
            if (connection != null) {
                connection.addListener(perConnection);
            }
        }
    }

    @Override
    public void removeListener(UpstreamListener listener) {
        UpstreamListener perConnection = listeners.remove(listener);
        Upstream connection = current;
        if (perConnection != null && connection != null) {
            connection.removeListener(perConnection);
        }
    }

    @Override
    public boolean isOpen() {
        Upstream connection = current;
        return !closed && connection != null && connection.isOpen();
    }

    @Override
    public UpstreamHealth health() {
        LastError last = lastError;
        UpstreamHealth.State state = closed ? UpstreamHealth.State.FAILED
                : isOpen() ? UpstreamHealth.State.CONNECTED : UpstreamHealth.State.RESTARTING;
        return new UpstreamHealth(state, Optional.ofNullable(last).map(LastError::text),
                Optional.ofNullable(last).map(LastError::at));
    }

    private record LastError(String text, java.time.Instant at) {
    }

    /** Stops supervising, then closes the process as {@link Upstream#closeAsync()} describes. */
    @Override
    public CompletableFuture<Void> closeAsync() {
        if (!closing.compareAndSet(false, true)) {
            Upstream connection = current;
            return connection == null ? CompletableFuture.completedFuture(null) : connection.closeAsync();
        }
        closed = true;
        ScheduledFuture<?> restart = pendingRestart;
        if (restart != null) {
            restart.cancel(false);
        }
        Upstream connection = current;
        CompletableFuture<Void> done = connection == null ? CompletableFuture.completedFuture(null)
                : connection.closeAsync();
        UpstreamException cause = new UpstreamException(UpstreamException.Kind.UNAVAILABLE,
                "upstream " + spec.name() + " was closed");
        for (UpstreamListener listener : listeners.keySet()) {
            try {
                listener.onClosed(cause);
            } catch (RuntimeException e) {
                log.warn("listener of upstream {} failed in onClosed", spec.name(), e);
            }
        }
        return done;
    }

    @Override
    public void close() {
        Upstream connection = current;
        closeAsync();
        if (connection != null) {
            connection.close(); // waits for the process to be gone; idempotent
        }
    }
}
