package dev.warrant.gateway.upstream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of the upstreams' resources, resource templates and prompts. Replaced wholesale
 * when an upstream's list changes (like {@link ToolCatalogView}), so event loops read it lock-free.
 *
 * <p>Routing on {@code /mcp}: prompts are named {@code server__name}; resources keep their URI and go to the
 * upstream that listed it. A URI listed by two upstreams is ambiguous on {@code /mcp}: it is neither listed
 * nor routable there (only on {@code /servers/{name}/mcp}), so the gateway never guesses which upstream —
 * and which authorization — applies. A URI nobody listed goes to the one upstream whose template matches
 * it; matching templates of several upstreams are ambiguous too.
 */
public final class FeatureCatalogView {

    private record Features(List<ResourceEntry> resources, List<TemplateEntry> templates, List<PromptEntry> prompts) {
        static final Features NONE = new Features(List.of(), List.of(), List.of());
    }

    private final Map<String, Features> byServer;
    private final Map<String, String> serverByUri;       // listed URIs with exactly one upstream
    private final Map<String, PromptEntry> promptsByExposedName;

    private FeatureCatalogView(Map<String, Features> byServer) {
        this.byServer = byServer;
        Map<String, String> uris = new HashMap<>();
        Map<String, Boolean> ambiguous = new HashMap<>();
        Map<String, PromptEntry> prompts = new HashMap<>();
        byServer.forEach((server, f) -> {
            for (ResourceEntry r : f.resources()) {
                String previous = uris.putIfAbsent(r.uri(), server);
                if (previous != null && !previous.equals(server)) {
                    ambiguous.put(r.uri(), true);
                }
            }
            for (PromptEntry p : f.prompts()) {
                prompts.put(p.exposedName(), p);
            }
        });
        ambiguous.keySet().forEach(uris::remove);
        this.serverByUri = Map.copyOf(uris);
        this.promptsByExposedName = Map.copyOf(prompts);
    }

    public static FeatureCatalogView empty() {
        return new FeatureCatalogView(Map.of());
    }

    /** Resources of one upstream, or (server = null) of all upstreams without ambiguous URIs. */
    public List<ResourceEntry> resources(String server) {
        if (server != null) {
            return features(server).resources();
        }
        List<ResourceEntry> all = new ArrayList<>();
        byServer.values().forEach(f -> f.resources().stream()
                .filter(r -> r.server().equals(serverByUri.get(r.uri()))).forEach(all::add));
        return all;
    }

    /** Templates of one upstream, or (server = null) of all upstreams. */
    public List<TemplateEntry> templates(String server) {
        if (server != null) {
            return features(server).templates();
        }
        List<TemplateEntry> all = new ArrayList<>();
        byServer.values().forEach(f -> all.addAll(f.templates()));
        return all;
    }

    /** Prompts of one upstream, or (server = null) of all upstreams. */
    public List<PromptEntry> prompts(String server) {
        if (server != null) {
            return features(server).prompts();
        }
        List<PromptEntry> all = new ArrayList<>();
        byServer.values().forEach(f -> all.addAll(f.prompts()));
        return all;
    }

    public PromptEntry prompt(String exposedName) {
        return exposedName == null ? null : promptsByExposedName.get(exposedName);
    }

    /** The upstream that serves {@code uri} on {@code /mcp}; null when none does or the choice is ambiguous. */
    public String serverForUri(String uri) {
        String listed = serverByUri.get(uri);
        if (listed != null) {
            return listed;
        }
        String found = null;
        for (Map.Entry<String, Features> e : byServer.entrySet()) {
            for (TemplateEntry t : e.getValue().templates()) {
                if (t.matches(uri)) {
                    if (found != null && !found.equals(e.getKey())) {
                        return null;
                    }
                    found = e.getKey();
                }
            }
        }
        return found;
    }

    /** This snapshot with one server's resources and templates replaced. */
    public FeatureCatalogView withResources(String server, List<Map<String, Object>> resources,
                                            List<Map<String, Object>> templates) {
        List<ResourceEntry> r = new ArrayList<>();
        for (Map<String, Object> item : resources) {
            if (item.get("uri") instanceof String uri && !uri.isEmpty()) {
                r.add(new ResourceEntry(server, uri, item));
            }
        }
        List<TemplateEntry> t = new ArrayList<>();
        for (Map<String, Object> item : templates) {
            if (item.get("uriTemplate") instanceof String template && !template.isEmpty()) {
                t.add(new TemplateEntry(server, template, item));
            }
        }
        Features old = features(server);
        return with(server, new Features(List.copyOf(r), List.copyOf(t), old.prompts()));
    }

    /** This snapshot with one server's prompts replaced. */
    public FeatureCatalogView withPrompts(String server, List<Map<String, Object>> prompts) {
        List<PromptEntry> p = new ArrayList<>();
        for (Map<String, Object> item : prompts) {
            if (item.get("name") instanceof String name && !name.isEmpty()) {
                p.add(new PromptEntry(server, name, ToolEntry.expose(server, name), item));
            }
        }
        Features old = features(server);
        return with(server, new Features(old.resources(), old.templates(), List.copyOf(p)));
    }

    /** This snapshot without one server's resources, templates and prompts (the upstream was removed). */
    public FeatureCatalogView without(String server) {
        if (!byServer.containsKey(server)) {
            return this;
        }
        Map<String, Features> next = new java.util.TreeMap<>(byServer);
        next.remove(server);
        return new FeatureCatalogView(java.util.Collections.unmodifiableMap(next));
    }

    private FeatureCatalogView with(String server, Features features) {
        // Sorted by server (each server's items in its own order): lists and cursors read the same on every member.
        Map<String, Features> next = new java.util.TreeMap<>(byServer);
        next.put(server, features);
        return new FeatureCatalogView(java.util.Collections.unmodifiableMap(next));
    }

    private Features features(String server) {
        return byServer.getOrDefault(server, Features.NONE);
    }
}
