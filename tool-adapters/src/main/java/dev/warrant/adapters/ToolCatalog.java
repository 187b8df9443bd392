package dev.warrant.adapters;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Reads an upstream's catalog. Tool maps are kept raw, so fields the gateway does not model survive. */
public final class ToolCatalog {

    /** A server that keeps handing out cursors is broken or hostile; stop after this many pages. */
    static final int MAX_PAGES = 100;

    private ToolCatalog() {
    }

    /** All tools of the upstream, following {@code nextCursor} for at most 100 pages. */
    public static CompletableFuture<List<Map<String, Object>>> listTools(Upstream upstream) {
        return page(upstream, null, new ArrayList<>(), new HashSet<>());
    }

    private static CompletableFuture<List<Map<String, Object>>> page(Upstream upstream, String cursor,
            List<Map<String, Object>> tools, Set<String> seenCursors) {
        Map<String, Object> params = cursor == null ? null : Map.of("cursor", cursor);
        return upstream.call("tools/list", params, null).result().thenCompose(result -> {
            if (!(result.get("tools") instanceof List<?> page)) {
                throw protocol(upstream, "tools/list result has no tools array");
            }
            for (Object tool : page) {
                if (!(tool instanceof Map)) {
                    throw protocol(upstream, "tools/list returned a tool that is not an object");
                }
                tools.add(ProgressTokens.asMap(tool));
            }
            Object next = result.get("nextCursor");
            if (next == null) {
                return CompletableFuture.completedFuture(List.copyOf(tools));
            }
            if (!(next instanceof String nextCursor) || !seenCursors.add(nextCursor)) {
                throw protocol(upstream, "tools/list returned an invalid or repeated nextCursor");
            }
            if (seenCursors.size() >= MAX_PAGES) {
                throw protocol(upstream, "tools/list has more than " + MAX_PAGES + " pages");
            }
            return page(upstream, nextCursor, tools, seenCursors);
        });
    }

    private static UpstreamException protocol(Upstream upstream, String message) {
        return new UpstreamException(UpstreamException.Kind.PROTOCOL, "upstream " + upstream.name() + ": " + message);
    }
}
