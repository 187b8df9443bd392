package dev.warrant.gateway.forward;

import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.upstream.FeatureCatalogView;
import dev.warrant.gateway.upstream.PromptEntry;
import dev.warrant.gateway.upstream.ResourceEntry;
import dev.warrant.gateway.upstream.TemplateEntry;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import dev.warrant.policies.Operation;
import dev.warrant.policies.PolicyEngine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code resources/list}, {@code resources/templates/list} and {@code prompts/list}: the items of the
 * endpoint's upstreams the caller may see, each decided with the same function as a read or get
 * (docs/ARCHITECTURE.md §4.2), the upstream's objects otherwise untouched. Prompts are renamed {@code server__name} on
 * {@code /mcp}; resources and templates keep their URIs.
 *
 * <p>A template is listed when the caller may read its literal prefix (the text before the first
 * {@code {expression}}): resource rights are URI prefixes, so that is exactly "every expansion is readable".
 * Answered from the catalog in pages of {@code pageSize} ({@link ListPage}); the catalog follows the
 * upstreams' list_changed.
 */
public final class FeatureListHandler implements ForwardStage.MethodHandler {

    private enum Kind { RESOURCES, TEMPLATES, PROMPTS }

    private final Kind kind;
    private final UpstreamRegistry upstreams;
    private final PolicyEngine engine;
    private final int pageSize;

    private FeatureListHandler(Kind kind, UpstreamRegistry upstreams, PolicyEngine engine, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1");
        }
        this.kind = kind;
        this.upstreams = upstreams;
        this.engine = engine;
        this.pageSize = pageSize;
    }

    public static FeatureListHandler resources(UpstreamRegistry upstreams, PolicyEngine engine) {
        return resources(upstreams, engine, ListPage.DEFAULT_PAGE_SIZE);
    }

    public static FeatureListHandler templates(UpstreamRegistry upstreams, PolicyEngine engine) {
        return templates(upstreams, engine, ListPage.DEFAULT_PAGE_SIZE);
    }

    public static FeatureListHandler prompts(UpstreamRegistry upstreams, PolicyEngine engine) {
        return prompts(upstreams, engine, ListPage.DEFAULT_PAGE_SIZE);
    }

    public static FeatureListHandler resources(UpstreamRegistry upstreams, PolicyEngine engine, int pageSize) {
        return new FeatureListHandler(Kind.RESOURCES, upstreams, engine, pageSize);
    }

    public static FeatureListHandler templates(UpstreamRegistry upstreams, PolicyEngine engine, int pageSize) {
        return new FeatureListHandler(Kind.TEMPLATES, upstreams, engine, pageSize);
    }

    public static FeatureListHandler prompts(UpstreamRegistry upstreams, PolicyEngine engine, int pageSize) {
        return new FeatureListHandler(Kind.PROMPTS, upstreams, engine, pageSize);
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange) {
        FeatureCatalogView catalog = upstreams.features();
        String server = exchange.virtualServer();
        int entries = switch (kind) {
            case RESOURCES -> catalog.resources(server).size();
            case TEMPLATES -> catalog.templates(server).size();
            case PROMPTS -> catalog.prompts(server).size();
        };
        return ListWork.run(entries, () -> list(exchange, catalog));
    }

    private JsonObject list(McpExchange exchange, FeatureCatalogView catalog) {
        String server = exchange.virtualServer();
        Optional<String> peer = exchange.http().peer();
        JsonArray items = new JsonArray();
        switch (kind) {
            case RESOURCES -> {
                for (ResourceEntry r : catalog.resources(server)) {
                    if (visible(exchange, Operation.listResource("resources/list", r.server(), r.uri(), peer))) {
                        items.add(new JsonObject(new LinkedHashMap<>(r.definition())));
                    }
                }
            }
            case TEMPLATES -> {
                for (TemplateEntry t : catalog.templates(server)) {
                    if (visible(exchange, Operation.listResource("resources/templates/list", t.server(),
                            t.literalPrefix(), peer))) {
                        items.add(new JsonObject(new LinkedHashMap<>(t.definition())));
                    }
                }
            }
            case PROMPTS -> {
                for (PromptEntry p : catalog.prompts(server)) {
                    if (visible(exchange, Operation.listPrompt(p.server(), p.name(), peer))) {
                        Map<String, Object> definition = new LinkedHashMap<>(p.definition());
                        definition.put("name", server == null ? p.exposedName() : p.name());
                        items.add(new JsonObject(definition));
                    }
                }
            }
        }
        String key = switch (kind) {
            case RESOURCES -> "resources";
            case TEMPLATES -> "resourceTemplates";
            case PROMPTS -> "prompts";
        };
        return ListPage.of(key, items, exchange.method() + " " + server, exchange.request().params(), pageSize);
    }

    private boolean visible(McpExchange exchange, Operation operation) {
        return engine.decide(exchange.token(), operation).allowed();
    }
}
