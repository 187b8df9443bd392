package dev.warrant.gateway.forward;

import dev.warrant.adapters.ModernWire;
import dev.warrant.adapters.Upstream;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.transport.ProtocolVersions;
import dev.warrant.gateway.upstream.FeatureCatalogView;
import dev.warrant.gateway.upstream.PromptEntry;
import dev.warrant.gateway.upstream.ResourceEntry;
import dev.warrant.gateway.upstream.TemplateEntry;
import dev.warrant.gateway.upstream.ToolEntry;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import dev.warrant.policies.Operation;
import dev.warrant.policies.PolicyEngine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code server/discover} (2026-07-28), answered by the gateway: the versions it serves (both eras), and the
 * capabilities of the upstreams the caller may see, so a client is not told of features it can never use. An
 * upstream is visible when the caller may list at least one of its tools, resources, templates or prompts
 * (decided like the lists, docs/ARCHITECTURE.md §4.2). On {@code /mcp} the gateway's own tools are always
 * there; on {@code /servers/{name}/mcp} only that upstream counts, with its instructions.
 *
 * <p>{@code listChanged} is offered for tools, resources and prompts: {@code subscriptions/listen} delivers it, and
 * so are resource subscriptions ({@code subscribe}) when a visible upstream offers them.
 */
final class DiscoverHandler implements ForwardStage.MethodHandler {

    /** Capabilities the gateway relays to a 2026-07-28 caller. */
    private static final Set<String> RELAYED = Set.of("tools", "resources", "prompts", "completions", "logging");
    /** Those whose list changes subscriptions/listen reports. */
    private static final Set<String> LISTED = Set.of("tools", "resources", "prompts");

    private final UpstreamRegistry upstreams;
    private final PolicyEngine engine;

    DiscoverHandler(UpstreamRegistry upstreams, PolicyEngine engine) {
        this.upstreams = upstreams;
        this.engine = engine;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange) {
        int work = upstreams.catalog().size() + upstreams.names().size();
        return ListWork.run(work, () -> discover(exchange));
    }

    private JsonObject discover(McpExchange exchange) {
        String only = exchange.virtualServer();
        JsonObject capabilities = new JsonObject();
        if (only == null) {
            capabilities.put("tools", new JsonObject().put("listChanged", true)); // warrant__delegate, warrant__inspect
        }
        for (String server : visibleServers(exchange, only)) {
            merge(capabilities, declared(server));
        }
        JsonObject result = new JsonObject()
                .put("supportedVersions", new JsonArray(ProtocolVersions.ALL))
                .put("capabilities", capabilities);
        String instructions = InitializeHandler.instructions(upstreams, only);
        if (instructions != null) {
            result.put("instructions", instructions);
        }
        return result;
    }

    /** The upstreams (all, or only {@code only}) of which the caller may list something, in name order. */
    private Set<String> visibleServers(McpExchange exchange, String only) {
        Optional<String> peer = exchange.http().peer();
        Set<String> visible = new TreeSet<>();
        for (ToolEntry t : upstreams.catalog().all()) {
            if ((only == null || only.equals(t.server())) && !visible.contains(t.server())
                    && allowed(exchange, Operation.listTool(t.server(), t.name(), t.risk(), peer))) {
                visible.add(t.server());
            }
        }
        for (String server : upstreams.names()) {
            if ((only == null || only.equals(server)) && !visible.contains(server)
                    && anyFeatureVisible(exchange, server, peer)) {
                visible.add(server);
            }
        }
        return visible;
    }

    private boolean anyFeatureVisible(McpExchange exchange, String server, Optional<String> peer) {
        FeatureCatalogView features = upstreams.features();
        for (ResourceEntry r : features.resources(server)) {
            if (allowed(exchange, Operation.listResource("resources/list", server, r.uri(), peer))) {
                return true;
            }
        }
        for (TemplateEntry t : features.templates(server)) {
            if (allowed(exchange, Operation.listResource("resources/templates/list", server, t.literalPrefix(), peer))) {
                return true;
            }
        }
        for (PromptEntry p : features.prompts(server)) {
            if (allowed(exchange, Operation.listPrompt(server, p.name(), peer))) {
                return true;
            }
        }
        return false;
    }

    private boolean allowed(McpExchange exchange, Operation operation) {
        return engine.decide(exchange.token(), operation).allowed();
    }

    private Map<?, ?> declared(String server) {
        Upstream upstream = upstreams.upstream(server);
        return upstream != null && upstream.initializeResult().get("capabilities") instanceof Map<?, ?> m ? m : Map.of();
    }

    private static void merge(JsonObject into, Map<?, ?> declared) {
        for (String name : RELAYED) {
            if (declared.get(name) != null && !into.containsKey(name)) {
                into.put(name, LISTED.contains(name) ? new JsonObject().put("listChanged", true) : new JsonObject());
            }
        }
        if (declared.get("resources") instanceof Map<?, ?> resources && Boolean.TRUE.equals(resources.get("subscribe"))) {
            into.getJsonObject("resources").put("subscribe", true);
        }
        // Of the extensions, only tasks is relayed (docs/ARCHITECTURE.md §2.7).
        if (declared.get("extensions") instanceof Map<?, ?> extensions
                && extensions.get(ModernWire.TASKS_EXTENSION) != null) {
            into.put("extensions", new JsonObject().put(ModernWire.TASKS_EXTENSION, new JsonObject()));
        }
    }

}
