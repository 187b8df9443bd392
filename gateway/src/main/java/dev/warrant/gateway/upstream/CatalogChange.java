package dev.warrant.gateway.upstream;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What one catalog swap changed for one upstream: every item that appeared, disappeared or changed its
 * definition (both versions of a changed item). Sessions are told about a change only when their caller
 * may see at least one of these items, so a caller never learns of tools it may not see.
 */
public record CatalogChange(String server, List<ToolEntry> tools, List<ResourceEntry> resources,
                            List<TemplateEntry> templates, List<PromptEntry> prompts) {

    public CatalogChange {
        tools = List.copyOf(tools);
        resources = List.copyOf(resources);
        templates = List.copyOf(templates);
        prompts = List.copyOf(prompts);
    }

    public boolean isEmpty() {
        return tools.isEmpty() && resources.isEmpty() && templates.isEmpty() && prompts.isEmpty();
    }

    static CatalogChange between(String server, ToolCatalogView before, ToolCatalogView after) {
        return new CatalogChange(server, changed(ofServer(before.all(), server, ToolEntry::server),
                ofServer(after.all(), server, ToolEntry::server), ToolEntry::exposedName), List.of(), List.of(), List.of());
    }

    static CatalogChange between(String server, FeatureCatalogView before, FeatureCatalogView after) {
        return new CatalogChange(server, List.of(),
                changed(before.resources(server), after.resources(server), ResourceEntry::uri),
                changed(before.templates(server), after.templates(server), TemplateEntry::uriTemplate),
                changed(before.prompts(server), after.prompts(server), PromptEntry::name));
    }

    private static <T> List<T> ofServer(Collection<T> all, String server, Function<T, String> serverOf) {
        return all.stream().filter(e -> serverOf.apply(e).equals(server)).toList();
    }

    /** Items only in one list, or in both with different values (records compare by value). */
    private static <T> List<T> changed(List<T> before, List<T> after, Function<T, String> key) {
        Map<String, T> old = new HashMap<>();
        before.forEach(e -> old.put(key.apply(e), e));
        List<T> out = new ArrayList<>();
        for (T e : after) {
            T previous = old.remove(key.apply(e));
            if (!Objects.equals(previous, e)) {
                out.add(e);
                if (previous != null) {
                    out.add(previous);
                }
            }
        }
        out.addAll(old.values());
        return out;
    }
}
