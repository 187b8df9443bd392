package dev.warrant.adapters;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Reads any paginated MCP list of an upstream ({@code resources/list}, {@code resources/templates/list},
 * {@code prompts/list}, ...). Items are kept raw, so fields the gateway does not model survive untouched.
 */
public final class FeatureLists {

    private FeatureLists() {
    }

    /**
     * All items of {@code method}'s {@code key} array, following {@code nextCursor} for at most
     * {@link ToolCatalog#MAX_PAGES} pages. A result without the array, a non-object item, or a repeated cursor
     * fails with kind {@code PROTOCOL}.
     */
    public static CompletableFuture<List<Map<String, Object>>> listAll(Upstream upstream, String method, String key) {
        return page(upstream, method, key, null, new ArrayList<>(), new HashSet<>());
    }

    /** True when the upstream's initialize result declares the capability ({@code resources}, {@code prompts}, ...). */
    public static boolean hasCapability(Upstream upstream, String capability) {
        return upstream.initializeResult().get("capabilities") instanceof Map<?, ?> caps && caps.get(capability) != null;
    }

    private static CompletableFuture<List<Map<String, Object>>> page(Upstream upstream, String method, String key,
            String cursor, List<Map<String, Object>> items, Set<String> seenCursors) {
        Map<String, Object> params = cursor == null ? null : Map.of("cursor", cursor);
        return upstream.call(method, params, null).result().thenCompose(result -> {
            if (!(result.get(key) instanceof List<?> page)) {
                throw protocol(upstream, method + " result has no " + key + " array");
            }
            for (Object item : page) {
                if (!(item instanceof Map)) {
                    throw protocol(upstream, method + " returned an item that is not an object");
                }
                items.add(ProgressTokens.asMap(item));
            }
            Object next = result.get("nextCursor");
            if (next == null) {
                return CompletableFuture.completedFuture(List.copyOf(items));
            }
            if (!(next instanceof String nextCursor) || !seenCursors.add(nextCursor)) {
                throw protocol(upstream, method + " returned an invalid or repeated nextCursor");
            }
            if (seenCursors.size() >= ToolCatalog.MAX_PAGES) {
                throw protocol(upstream, method + " has more than " + ToolCatalog.MAX_PAGES + " pages");
            }
            return page(upstream, method, key, nextCursor, items, seenCursors);
        });
    }

    private static UpstreamException protocol(Upstream upstream, String message) {
        return new UpstreamException(UpstreamException.Kind.PROTOCOL, "upstream " + upstream.name() + ": " + message);
    }
}
