package dev.warrant.gateway.upstream;

import dev.warrant.adapters.HttpUpstreamSpec;
import dev.warrant.gateway.cluster.UpstreamDirectory;
import dev.warrant.gateway.cluster.UpstreamRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * This member's side of the cluster's upstream registrations: connects what is registered, disconnects what
 * is removed, in the local {@link UpstreamRegistry} (whose catalog changes then reach the sessions).
 *
 * <p>Rules: a name from the static config is never replaced by a registration (the admin API refuses it; a
 * registration arriving from a member with another config is ignored here, with a warning). Header templates
 * are filled in from this member's environment. A member that cannot connect retries with backoff (5 s
 * doubling to 60 s) while the registration stands; the member that took the registration reports its first
 * attempt to the caller instead (see the admin API).
 *
 * <p>Concurrency: changes to one name are applied one after another (a chain of futures per name), so a
 * remove that overtakes a slow connect still wins; different names proceed in parallel. Nothing here blocks:
 * callbacks come from Hazelcast event threads and admin requests.
 */
public final class RegisteredUpstreams implements UpstreamDirectory.Listener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegisteredUpstreams.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    static final Duration MAX_RETRY = Duration.ofSeconds(60);

    /** The registration this member applies for a name, and the outcome of its first connection attempt. */
    private record Applied(UpstreamRegistration registration, CompletableFuture<Void> outcome) {
    }

    private final UpstreamRegistry registry;
    private final Set<String> staticNames;
    private final Function<String, String> env;
    private final Map<String, Applied> applied = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public RegisteredUpstreams(UpstreamRegistry registry, Set<String> staticNames, Function<String, String> env) {
        this.registry = registry;
        this.staticNames = Set.copyOf(staticNames);
        this.env = env;
    }

    public boolean isStatic(String name) {
        return staticNames.contains(name);
    }

    /**
     * Connects this registration here (replacing an earlier one of the same name). Idempotent: the same
     * registration again returns the same outcome.
     */
    public CompletableFuture<Void> apply(UpstreamRegistration r) {
        if (isStatic(r.name())) {
            LOG.warn("upstream {}: registration ignored, the name is configured statically on this member", r.name());
            return CompletableFuture.failedFuture(new IllegalStateException("'" + r.name() + "' is a static upstream"));
        }
        CompletableFuture<Void> outcome = new CompletableFuture<>();
        Applied mine = new Applied(r, outcome);
        Applied current = applied.compute(r.name(), (k, old) -> old != null && old.registration().id().equals(r.id()) ? old : mine);
        if (current != mine) {
            return current.outcome();
        }
        enqueue(r.name(), () -> registry.unregister(r.name()).thenCompose(v -> connect(r, FIRST_RETRY, outcome)));
        return outcome;
    }

    /** Disconnects the name here if it was registered; completes when done. */
    public CompletableFuture<Void> withdraw(String name) {
        if (applied.remove(name) == null) {
            return tails.getOrDefault(name, CompletableFuture.completedFuture(null)).handle((v, e) -> null);
        }
        return enqueue(name, () -> registry.unregister(name));
    }

    @Override
    public void registered(UpstreamRegistration registration) {
        apply(registration).exceptionally(e -> null); // failures are logged where they happen
    }

    @Override
    public void removed(String name) {
        withdraw(name);
    }

    @Override
    public void sync(Collection<UpstreamRegistration> all) {
        Map<String, UpstreamRegistration> byName = new HashMap<>();
        all.forEach(r -> byName.put(r.name(), r));
        for (String name : Set.copyOf(applied.keySet())) {
            if (!byName.containsKey(name)) {
                withdraw(name);
            }
        }
        byName.values().stream().filter(r -> !isStatic(r.name())).forEach(this::registered);
    }

    /** The registrations this member applies (connected or still trying). */
    public Set<String> names() {
        return applied.keySet().stream().collect(Collectors.toUnmodifiableSet());
    }

    private boolean stillWanted(UpstreamRegistration r) {
        if (closed) {
            return false;
        }
        Applied a = applied.get(r.name());
        return a != null && a.registration().id().equals(r.id());
    }

    /** One attempt; on failure, completes {@code firstOutcome} (once) and schedules the next while still wanted. */
    private CompletableFuture<Void> connect(UpstreamRegistration r, Duration backoff, CompletableFuture<Void> firstOutcome) {
        if (!stillWanted(r)) {
            firstOutcome.completeExceptionally(new IllegalStateException("registration of '" + r.name() + "' was replaced or removed"));
            return CompletableFuture.completedFuture(null);
        }
        HttpUpstreamSpec spec;
        try {
            spec = spec(r, env);
        } catch (RuntimeException e) {
            LOG.error("upstream {}: registration unusable on this member: {}", r.name(), e.getMessage());
            firstOutcome.completeExceptionally(e);
            return CompletableFuture.completedFuture(null);
        }
        return registry.register(spec, Map.of()).handle((v, e) -> {
            if (e == null && !stillWanted(r)) {
                // Removed, replaced or shut down while connecting: the connection must not outlive that.
                registry.unregister(r.name());
                firstOutcome.completeExceptionally(new IllegalStateException("registration of '" + r.name() + "' was replaced or removed"));
                return null;
            }
            if (e == null) {
                LOG.info("upstream {}: connected (registered by {})", r.name(), r.registeredBy());
                firstOutcome.complete(null);
                return null;
            }
            firstOutcome.completeExceptionally(e);
            LOG.warn("upstream {}: connection failed, retrying in {}: {}", r.name(), backoff, rootMessage(e));
            Duration next = backoff.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : backoff.multipliedBy(2);
            // Runnable::run: enqueue only schedules; the default executor would start a thread per retry on 2 cores.
            CompletableFuture.delayedExecutor(backoff.toMillis(), TimeUnit.MILLISECONDS, Runnable::run).execute(() -> {
                if (stillWanted(r)) {
                    enqueue(r.name(), () -> registry.upstream(r.name()) != null
                            ? CompletableFuture.completedFuture(null)
                            : connect(r, next, firstOutcome));
                }
            });
            return null;
        });
    }

    /** Stops following registrations (retries end); the registry closes the connections. */
    @Override
    public void close() {
        closed = true;
        applied.clear();
    }

    /** Runs {@code step} after every earlier step for this name, whatever their outcome. */
    private CompletableFuture<Void> enqueue(String name, Supplier<CompletableFuture<Void>> step) {
        return tails.compute(name, (k, tail) -> (tail == null ? CompletableFuture.<Void>completedFuture(null) : tail)
                .handle((v, e) -> null)
                .thenCompose(v -> {
                    try {
                        return step.get();
                    } catch (RuntimeException e) {
                        return CompletableFuture.failedFuture(e);
                    }
                }));
    }

    /** The adapter spec for a registration, with this member's environment filled into the headers. */
    public static HttpUpstreamSpec spec(UpstreamRegistration r, Function<String, String> env) {
        Map<String, String> headers = new HashMap<>();
        r.headers().forEach((name, template) -> headers.put(name, CredentialTemplates.resolve(template, env)));
        return new HttpUpstreamSpec(r.name(), URI.create(r.url()), headers, Duration.ofMillis(r.timeoutMillis()));
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }
}
