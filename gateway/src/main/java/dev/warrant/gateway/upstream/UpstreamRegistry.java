package dev.warrant.gateway.upstream;

import dev.warrant.adapters.FeatureLists;
import dev.warrant.adapters.JsonRpcNotification;
import dev.warrant.adapters.ToolCatalog;
import dev.warrant.adapters.Upstream;
import dev.warrant.adapters.UpstreamListener;
import dev.warrant.adapters.UpstreamSpec;
import dev.warrant.adapters.Upstreams;
import dev.warrant.policies.RiskTier;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The connected upstream MCP servers, their tool catalog and their resources/templates/prompts catalog.
 * Each catalog is loaded at connection and reloaded when the upstream says its list changed.
 *
 * <p>Concurrency: connections and catalog refreshes complete on adapter threads; the catalog is an
 * immutable snapshot swapped atomically, read lock-free from event loops. Every swap that changes an upstream's
 * items is published to the catalog listeners (on the thread that swapped). A load that completes after its
 * upstream was unregistered (or replaced) changes nothing, so a removed upstream's tools cannot come back.
 */
public final class UpstreamRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamRegistry.class);

    private final Map<String, Upstream> upstreams = new ConcurrentHashMap<>();
    private final Map<String, Map<String, RiskTier>> riskOverrides = new ConcurrentHashMap<>();
    private final AtomicReference<ToolCatalogView> catalog = new AtomicReference<>(ToolCatalogView.empty());
    private final AtomicReference<FeatureCatalogView> features = new AtomicReference<>(FeatureCatalogView.empty());
    private final List<BiConsumer<String, JsonRpcNotification>> notificationListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<CatalogChange>> catalogListeners = new CopyOnWriteArrayList<>();
    private final Vertx vertx;

    /** Upstreams on the adapters' own Vert.x instance. */
    public UpstreamRegistry() {
        this(null);
    }

    /**
     * Upstreams whose HTTP transport runs on {@code vertx}, the gateway's own: a call forwarded from one of its
     * event loops then goes upstream and comes back on that same thread ({@link Upstreams#connect(UpstreamSpec,
     * Vertx)}). Close this registry before {@code vertx}.
     */
    public UpstreamRegistry(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Connects and loads the tool list; the future fails if the upstream cannot be reached. */
    public CompletableFuture<Void> register(UpstreamSpec spec, Map<String, RiskTier> risks) {
        if (upstreams.containsKey(spec.name())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("upstream '" + spec.name() + "' already registered"));
        }
        riskOverrides.put(spec.name(), Map.copyOf(risks));
        return Upstreams.connect(spec, vertx).thenCompose(upstream -> {
            upstreams.put(spec.name(), upstream);
            upstream.addListener(new UpstreamListener() {
                @Override
                public void onNotification(JsonRpcNotification notification) {
                    switch (notification.method()) {
                        case "notifications/tools/list_changed" -> refresh(spec.name());
                        case "notifications/resources/list_changed" -> quietly(spec.name(), loadResources(upstream));
                        case "notifications/prompts/list_changed" -> quietly(spec.name(), loadPrompts(upstream));
                        default -> { }
                    }
                    notificationListeners.forEach(l -> l.accept(spec.name(), notification));
                }
            });
            // Resources and prompts are optional features: a failure to list them is logged, not fatal.
            return loadTools(upstream).thenCompose(v -> quietly(spec.name(), loadResources(upstream)))
                    .thenCompose(v -> quietly(spec.name(), loadPrompts(upstream)));
        });
    }

    private CompletableFuture<Void> loadResources(Upstream upstream) {
        if (!FeatureLists.hasCapability(upstream, "resources")) {
            return CompletableFuture.completedFuture(null);
        }
        return FeatureLists.listAll(upstream, "resources/list", "resources")
                .thenCombine(FeatureLists.listAll(upstream, "resources/templates/list", "resourceTemplates")
                        .exceptionally(e -> List.of()), // templates are optional within the capability
                        (resources, templates) -> {
                            swapFeatures(upstream, f -> f.withResources(upstream.name(), resources, templates));
                            LOG.info("upstream {}: {} resources, {} resource templates", upstream.name(),
                                    resources.size(), templates.size());
                            return null;
                        });
    }

    private CompletableFuture<Void> loadPrompts(Upstream upstream) {
        if (!FeatureLists.hasCapability(upstream, "prompts")) {
            return CompletableFuture.completedFuture(null);
        }
        return FeatureLists.listAll(upstream, "prompts/list", "prompts").thenAccept(prompts -> {
            swapFeatures(upstream, f -> f.withPrompts(upstream.name(), prompts));
            LOG.info("upstream {}: {} prompts", upstream.name(), prompts.size());
        });
    }

    private static CompletableFuture<Void> quietly(String server, CompletableFuture<Void> load) {
        return load.exceptionally(e -> {
            LOG.warn("upstream {}: listing resources or prompts failed: {}", server, e.toString());
            return null;
        });
    }

    /**
     * Receives every uncorrelated upstream notification with the upstream's name (resources/updated,
     * list_changed, logging, ...). Runs on the adapter's thread: hop before doing real work.
     */
    public void addNotificationListener(BiConsumer<String, JsonRpcNotification> listener) {
        notificationListeners.add(listener);
    }

    private CompletableFuture<Void> loadTools(Upstream upstream) {
        return ToolCatalog.listTools(upstream).thenAccept(tools -> {
            swapTools(upstream, c -> c.withServer(upstream.name(), tools, riskOverrides.getOrDefault(upstream.name(), Map.of())));
            LOG.info("upstream {}: {} tools", upstream.name(), tools.size());
        });
    }

    /**
     * Receives what each catalog swap changed (an upstream connected, was removed, or reloaded a list after
     * its list_changed). Runs on the swapping thread (adapter or caller): hop before doing real work.
     */
    public void addCatalogListener(Consumer<CatalogChange> listener) {
        catalogListeners.add(listener);
    }

    /**
     * Disconnects an upstream and drops its tools, resources and prompts from the catalogs (published as a
     * change). Completes when the connection is closed; an unknown name completes at once.
     */
    public CompletableFuture<Void> unregister(String server) {
        Upstream upstream = upstreams.remove(server);
        riskOverrides.remove(server);
        if (upstream == null) {
            return CompletableFuture.completedFuture(null);
        }
        swap(server, catalog, c -> c.withServer(server, List.of(), Map.of()), CatalogChange::between);
        swap(server, features, f -> f.without(server), CatalogChange::between);
        LOG.info("upstream {}: removed", server);
        return upstream.closeAsync().exceptionally(e -> {
            LOG.debug("closing upstream {}: {}", server, e.toString());
            return null;
        });
    }

    private void swapTools(Upstream upstream, UnaryOperator<ToolCatalogView> change) {
        swap(upstream.name(), catalog, c -> upstreams.get(upstream.name()) == upstream ? change.apply(c) : c,
                CatalogChange::between);
    }

    private void swapFeatures(Upstream upstream, UnaryOperator<FeatureCatalogView> change) {
        swap(upstream.name(), features, f -> upstreams.get(upstream.name()) == upstream ? change.apply(f) : f,
                CatalogChange::between);
    }

    private interface Diff<V> {
        CatalogChange between(String server, V before, V after);
    }

    /** Compare-and-set loop (not updateAndGet) so the published change is exactly this swap's difference. */
    private <V> void swap(String server, AtomicReference<V> ref, UnaryOperator<V> change, Diff<V> diff) {
        V before;
        V after;
        do {
            before = ref.get();
            after = change.apply(before);
        } while (!ref.compareAndSet(before, after));
        if (before == after) {
            return;
        }
        CatalogChange changed = diff.between(server, before, after);
        if (changed.isEmpty()) {
            return;
        }
        for (Consumer<CatalogChange> listener : catalogListeners) {
            try {
                listener.accept(changed);
            } catch (RuntimeException e) {
                LOG.warn("catalog listener failed: {}", e.toString());
            }
        }
    }

    public CompletableFuture<Void> refresh(String server) {
        Upstream upstream = upstreams.get(server);
        if (upstream == null) {
            return CompletableFuture.completedFuture(null);
        }
        return loadTools(upstream).exceptionally(e -> {
            LOG.warn("upstream {}: tool list refresh failed: {}", server, e.toString());
            return null;
        });
    }

    public Upstream upstream(String server) {
        return upstreams.get(server);
    }

    public ToolCatalogView catalog() {
        return catalog.get();
    }

    public FeatureCatalogView features() {
        return features.get();
    }

    public List<String> names() {
        return List.copyOf(upstreams.keySet());
    }

    @Override
    public void close() {
        upstreams.values().forEach(u -> {
            try {
                u.close();
            } catch (Exception e) {
                LOG.debug("closing upstream {}: {}", u.name(), e.toString());
            }
        });
        upstreams.clear();
        catalog.set(ToolCatalogView.empty());
        features.set(FeatureCatalogView.empty());
    }
}
