package dev.warrant.gateway.identity;

import com.nimbusds.jose.jwk.JWK;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The signing keys of one issuer: fetched from its JWKS (found through its discovery document unless
 * configured), cached, and fetched again when a token names a {@code kid} the cache lacks, but at most once per
 * {@link Limits#minRefreshInterval()}, so a flood of tokens with made-up kids costs the IdP one request per
 * interval (docs/ARCHITECTURE.md §11.28). Concurrent lookups share one fetch in flight. When a fetch fails or
 * times out the cached keys keep serving; a kid they lack is then refused as {@code jwks_unavailable}.
 *
 * <p>Concurrency: called from any event loop. Every mutable field is guarded by {@code lock}, held only to read or
 * swap them, never across I/O; futures are completed outside it.
 */
public final class JwksSource {

    private static final Logger LOG = LoggerFactory.getLogger(JwksSource.class);

    /**
     * @param fetchTimeout       the longest one refresh (discovery and JWKS together) may take
     * @param minRefreshInterval the shortest time between two refreshes: the bound on what unknown kids cost the IdP
     * @param maxAge             cached keys older than this are refreshed in the background on the next use
     *                           (they still answer that use): a key the IdP withdrew stops working
     * @param maxBodyBytes       the largest discovery document or JWKS read
     * @param maxKeys            the most keys one JWKS may hold
     */
    public record Limits(Duration fetchTimeout, Duration minRefreshInterval, Duration maxAge, int maxBodyBytes,
                         int maxKeys) {
        /** 3 s: an IdP slower than this is down as far as a waiting agent is concerned. */
        public static final Limits DEFAULTS = new Limits(Duration.ofSeconds(3), Duration.ofSeconds(30),
                Duration.ofMinutes(10), 256 * 1024, 100);

        public Limits {
            Objects.requireNonNull(fetchTimeout, "fetchTimeout");
            Objects.requireNonNull(minRefreshInterval, "minRefreshInterval");
            Objects.requireNonNull(maxAge, "maxAge");
            if (fetchTimeout.isNegative() || fetchTimeout.isZero() || maxBodyBytes < 1024 || maxKeys < 1) {
                throw new IllegalArgumentException("fetchTimeout > 0, maxBodyBytes >= 1024 and maxKeys >= 1 required");
            }
        }

        /** These limits with another bound between refreshes (an issuer's {@code keyRefresh}). */
        public Limits withMinRefreshInterval(Duration interval) {
            return new Limits(fetchTimeout, interval, maxAge, maxBodyBytes, maxKeys);
        }
    }

    private final IssuerSettings issuer;
    private final BoundedFetch http;
    private final Clock clock;
    private final Limits limits;

    private final Object lock = new Object();
    /** Guarded by lock: the keys of the last JWKS read. */
    private KeySet keys = KeySet.EMPTY;
    /** Guarded by lock: when the last refresh succeeded (epoch ms); Long.MIN_VALUE before the first. */
    private long fetchedAt = Long.MIN_VALUE;
    /** Guarded by lock: when the last refresh started (epoch ms); Long.MIN_VALUE before the first. */
    private long attemptedAt = Long.MIN_VALUE;
    /** Guarded by lock: why the last refresh failed, or null when it succeeded. */
    private String lastFailure;
    /** Guarded by lock: the refresh in flight, or null. */
    private Future<Void> inFlight;
    /** Guarded by lock: the jwks_uri a discovery document gave, kept until a JWKS fetch from it fails. */
    private URI discoveredJwksUri;

    public JwksSource(Vertx vertx, HttpClient client, IssuerSettings issuer, Clock clock, Limits limits) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.http = new BoundedFetch(vertx, client, limits.maxBodyBytes());
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = limits;
    }

    public IssuerSettings issuer() {
        return issuer;
    }

    /**
     * The keys whose {@code kid} is {@code kid} (usually one; never empty on success). Fails with
     * {@code jwt_key_unknown} when the issuer's current JWKS lacks it, or {@code jwks_unavailable} when the JWKS
     * could not be read and the cache lacks it. Completes on whatever thread the fetch completes on.
     */
    public Future<List<JWK>> keys(String kid) {
        Promise<Void> refresh = null;
        Future<Void> wait;
        List<JWK> cached;
        synchronized (lock) {
            long now = clock.millis();
            cached = keys.get(kid);
            boolean mayRefresh = inFlight == null && (attemptedAt == Long.MIN_VALUE
                    || now - attemptedAt >= limits.minRefreshInterval().toMillis());
            if (!cached.isEmpty()) {
                boolean stale = now - fetchedAt >= limits.maxAge().toMillis();
                if (stale && mayRefresh) {
                    refresh = begin(now);
                }
                wait = null;
            } else if (inFlight != null) {
                wait = inFlight;
            } else if (mayRefresh) {
                refresh = begin(now);
                wait = refresh.future();
            } else {
                return Future.failedFuture(missing(kid));
            }
        }
        if (refresh != null) {
            run(refresh);
        }
        if (wait == null) {
            return Future.succeededFuture(cached);
        }
        return wait.transform(ar -> {
            synchronized (lock) {
                List<JWK> found = keys.get(kid);
                return found.isEmpty() ? Future.failedFuture(missing(kid)) : Future.succeededFuture(found);
            }
        });
    }

    /**
     * Fetches the keys now, unless a fetch is in flight or the last one started less than the minimum interval
     * ago, so that a gateway can read its issuers' keys when it starts rather than on the first token. Never
     * fails: the outcome is logged and decides the next lookups as usual.
     */
    public Future<Void> prefetch() {
        Promise<Void> refresh;
        synchronized (lock) {
            if (inFlight != null) {
                return inFlight;
            }
            long now = clock.millis();
            if (attemptedAt != Long.MIN_VALUE && now - attemptedAt < limits.minRefreshInterval().toMillis()) {
                return Future.succeededFuture();
            }
            refresh = begin(now);
        }
        run(refresh);
        return refresh.future();
    }

    /** Guarded by lock (caller holds it). */
    private Promise<Void> begin(long now) {
        attemptedAt = now;
        Promise<Void> p = Promise.promise();
        inFlight = p.future();
        return p;
    }

    /** Guarded by lock (caller holds it): why kid has no key right now. */
    private WarrantException missing(String kid) {
        if (lastFailure != null) {
            return WarrantException.of(Reason.JWKS_UNAVAILABLE, "no cached key " + Shown.of(kid) + " of " + issuer.issuer()
                    + " and its JWKS cannot be read: " + lastFailure);
        }
        return WarrantException.of(Reason.JWT_KEY_UNKNOWN, "no key " + Shown.of(kid) + " in the JWKS of " + issuer.issuer());
    }

    private void run(Promise<Void> refresh) {
        long deadline = System.nanoTime() + limits.fetchTimeout().toNanos();
        jwksUri(deadline)
                .compose(uri -> http.get(uri, IssuerMetadata.remaining(deadline)).map(answer -> {
                    if (answer.status() != 200) {
                        throw new BoundedFetch.FetchFailed(uri + ": HTTP " + answer.status());
                    }
                    return KeySet.parse(answer.body().getBytes(), limits.maxKeys());
                }))
                .onComplete(ar -> {
                    synchronized (lock) {
                        inFlight = null;
                        if (ar.succeeded()) {
                            keys = ar.result();
                            fetchedAt = clock.millis();
                            lastFailure = null;
                        } else {
                            lastFailure = describe(ar.cause());
                            discoveredJwksUri = null;
                        }
                    }
                    if (ar.failed()) {
                        LOG.warn("JWKS of {} not refreshed: {}", issuer.issuer(), describe(ar.cause()));
                    }
                    refresh.complete();
                });
    }

    private Future<URI> jwksUri(long deadline) {
        if (issuer.jwksUri().isPresent()) {
            return Future.succeededFuture(issuer.jwksUri().get());
        }
        synchronized (lock) {
            if (discoveredJwksUri != null) {
                return Future.succeededFuture(discoveredJwksUri);
            }
        }
        return IssuerMetadata.fetch(http, issuer.issuer(), deadline)
                .map(metadata -> metadata.endpoint("jwks_uri"))
                .map(uri -> {
                    synchronized (lock) {
                        discoveredJwksUri = uri;
                    }
                    return uri;
                });
    }

    private static String describe(Throwable t) {
        if (t instanceof BoundedFetch.FetchFailed || t instanceof IllegalArgumentException) {
            return t.getMessage();
        }
        return "unexpected failure (" + t.getClass().getSimpleName() + ")";
    }

    /** For tests and diagnostics: when the keys were last read, if ever. */
    Optional<Long> fetchedAtMillis() {
        synchronized (lock) {
            return fetchedAt == Long.MIN_VALUE ? Optional.empty() : Optional.of(fetchedAt);
        }
    }
}
