package dev.warrant.adapters;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Enforces {@link UpstreamSpec#maxConcurrent()}: a request beyond the limit is refused at once with kind
 * {@code BUSY}, without being sent. Refusing rather than queueing (Envoy's circuit breakers do the
 * same) keeps the failure visible and fast: a queue in front of a stuck upstream would only turn every
 * agent's call into a timeout, and the agent can retry or pick another route. A permit is held from the
 * send until the call completes in any way (response, error, timeout, cancel, connection loss).
 *
 * <p>Concurrency: a {@link Semaphore} without fairness; {@code tryAcquire} never blocks.
 */
final class LimitedUpstream implements Upstream {

    private final Upstream delegate;
    private final Semaphore permits;

    LimitedUpstream(Upstream delegate) {
        this.delegate = delegate;
        this.permits = new Semaphore(delegate.spec().maxConcurrent());
    }

    @Override
    public UpstreamCall call(String method, Map<String, Object> params, Consumer<JsonRpcNotification> progress) {
        if (!permits.tryAcquire()) {
            return new FailedCall(new UpstreamException(UpstreamException.Kind.BUSY, "upstream " + name()
                    + " is at its concurrency limit (" + spec().maxConcurrent() + " requests in flight); "
                    + method + " refused"));
        }
        UpstreamCall call;
        try {
            call = delegate.call(method, params, progress);
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
        call.result().whenComplete((result, error) -> permits.release());
        return call;
    }

    /** Requests in flight now (for tests and diagnostics). */
    int inFlight() {
        return spec().maxConcurrent() - permits.availablePermits();
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public UpstreamSpec spec() {
        return delegate.spec();
    }

    @Override
    public Map<String, Object> initializeResult() {
        return delegate.initializeResult();
    }

    @Override
    public CompletableFuture<Void> notify(String method, Map<String, Object> params) {
        return delegate.notify(method, params);
    }

    @Override
    public void addListener(UpstreamListener listener) {
        delegate.addListener(listener);
    }

    @Override
    public void removeListener(UpstreamListener listener) {
        delegate.removeListener(listener);
    }

    @Override
    public UpstreamHealth health() {
        return delegate.health();
    }

    @Override
    public boolean isOpen() {
        return delegate.isOpen();
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        return delegate.closeAsync();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
