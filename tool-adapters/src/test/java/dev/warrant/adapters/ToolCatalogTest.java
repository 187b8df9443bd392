package dev.warrant.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ToolCatalogTest {

    @Test
    void followsCursorsAndKeepsToolMapsRaw() {
        PagedUpstream upstream = new PagedUpstream(cursor -> switch (cursor == null ? "" : cursor) {
            case "" -> page(List.of(Map.of("name", "a", "x-vendor", List.of(1))), "c1");
            case "c1" -> page(List.of(Map.of("name", "b")), "c2");
            default -> page(List.of(Map.of("name", "c", "icons", List.of())), null);
        });
        List<Map<String, Object>> tools = ToolCatalog.listTools(upstream).join();
        assertThat(tools).extracting(t -> t.get("name")).containsExactly("a", "b", "c");
        assertThat(tools.get(0)).containsEntry("x-vendor", List.of(1));
        assertThat(upstream.cursors).containsExactly(null, "c1", "c2");
    }

    @Test
    void stopsEndlessPaging() {
        PagedUpstream upstream = new PagedUpstream(cursor -> page(List.of(), "next-" + (cursor == null ? 0
                : Integer.parseInt(cursor.substring(5)) + 1)));
        assertThatThrownBy(() -> ToolCatalog.listTools(upstream).join()).cause()
                .isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.PROTOCOL));
        assertThat(upstream.cursors).hasSizeLessThanOrEqualTo(ToolCatalog.MAX_PAGES);
    }

    @Test
    void rejectsARepeatedCursor() {
        PagedUpstream upstream = new PagedUpstream(cursor -> page(List.of(Map.of("name", "a")), "same"));
        assertThatThrownBy(() -> ToolCatalog.listTools(upstream).join()).cause()
                .isInstanceOf(UpstreamException.class).hasMessageContaining("repeated");
        assertThat(upstream.cursors).hasSize(2);
    }

    private static Map<String, Object> page(List<Map<String, Object>> tools, String next) {
        return next == null ? Map.of("tools", tools) : Map.of("tools", tools, "nextCursor", next);
    }

    /** An Upstream that serves tools/list pages from a function of the cursor. */
    private static final class PagedUpstream implements Upstream {
        final List<String> cursors = new ArrayList<>();
        private final Function<String, Map<String, Object>> pages;

        PagedUpstream(Function<String, Map<String, Object>> pages) {
            this.pages = pages;
        }

        @Override
        public UpstreamCall call(String method, Map<String, Object> params, Consumer<JsonRpcNotification> progress) {
            String cursor = params == null ? null : (String) params.get("cursor");
            cursors.add(cursor);
            CompletableFuture<Map<String, Object>> result = CompletableFuture.completedFuture(pages.apply(cursor));
            return new UpstreamCall() {
                @Override
                public String upstreamId() {
                    return "t";
                }

                @Override
                public CompletableFuture<Map<String, Object>> result() {
                    return result;
                }

                @Override
                public void cancel(String reason) {
                }
            };
        }

        @Override
        public String name() {
            return "paged";
        }

        @Override
        public UpstreamSpec spec() {
            return new HttpUpstreamSpec("paged", java.net.URI.create("http://127.0.0.1:1/mcp"), Map.of(),
                    Duration.ofSeconds(1));
        }

        @Override
        public Map<String, Object> initializeResult() {
            return Map.of();
        }

        @Override
        public CompletableFuture<Void> notify(String method, Map<String, Object> params) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void addListener(UpstreamListener listener) {
        }

        @Override
        public void removeListener(UpstreamListener listener) {
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public CompletableFuture<Void> closeAsync() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
        }
    }
}
