package dev.warrant.gateway.upstream;

import dev.warrant.adapters.JsonRpcNotification;
import dev.warrant.adapters.ToolCatalog;
import dev.warrant.adapters.Upstream;
import dev.warrant.adapters.UpstreamListener;
import dev.warrant.adapters.UpstreamSpec;
import dev.warrant.adapters.Upstreams;
import dev.warrant.policies.RiskTier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The connected upstream MCP servers and their tool catalog.
 *
 * <p>Concurrency: connections and catalog refreshes complete on adapter threads; the catalog is an
 * immutable snapshot swapped atomically, read lock-free from event loops.
 */
public final class UpstreamRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamRegistry.class);

    private final Map<String, Upstream> upstreams = new ConcurrentHashMap<>();
    private final Map<String, Map<String, RiskTier>> riskOverrides = new ConcurrentHashMap<>();
    private final AtomicReference<ToolCatalogView> catalog = new AtomicReference<>(ToolCatalogView.empty());

    /** Connects and loads the tool list; the future fails if the upstream cannot be reached. */
    public CompletableFuture<Void> register(UpstreamSpec spec, Map<String, RiskTier> risks) {
        if (upstreams.containsKey(spec.name())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("upstream '" + spec.name() + "' already registered"));
        }
        riskOverrides.put(spec.name(), Map.copyOf(risks));
        return Upstreams.connect(spec).thenCompose(upstream -> {
            upstreams.put(spec.name(), upstream);
            upstream.addListener(new UpstreamListener() {
                @Override
                public void onNotification(JsonRpcNotification notification) {
                    if ("notifications/tools/list_changed".equals(notification.method())) {
                        refresh(spec.name());
                    }
                }
            });
            return loadTools(upstream);
        });
    }

    private CompletableFuture<Void> loadTools(Upstream upstream) {
        return ToolCatalog.listTools(upstream).thenAccept(tools -> {
            catalog.updateAndGet(c -> c.withServer(upstream.name(), tools, riskOverrides.getOrDefault(upstream.name(), Map.of())));
            LOG.info("upstream {}: {} tools", upstream.name(), tools.size());
        });
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
    }
}
