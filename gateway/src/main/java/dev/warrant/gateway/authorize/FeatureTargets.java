package dev.warrant.gateway.authorize;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.json.JsonValues;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.upstream.FeatureCatalogView;
import dev.warrant.gateway.upstream.PromptEntry;
import dev.warrant.gateway.upstream.ToolEntry;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import dev.warrant.gateway.upstream.UpstreamRoute;
import dev.warrant.policies.Operation;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves a resources/prompts/completion request against the catalog of its endpoint: which upstream it
 * goes to, with which params, and the two operations the decision function judges — the request itself,
 * and whether the caller may even see the item (else the answer is "unknown", docs/ARCHITECTURE.md §2.5).
 *
 * <p>On {@code /mcp} a prompt is {@code server__name} and a resource URI goes to the upstream that listed it
 * (or whose template matches it). On {@code /servers/{name}/mcp} names are the upstream's own; a resource
 * URI is taken as is (the upstream decides whether it exists), so reads of resources an upstream serves
 * without listing them still work there.
 */
final class FeatureTargets {

    static final Set<String> METHODS = Set.of("resources/read", "resources/subscribe", "resources/unsubscribe",
            "prompts/get", "completion/complete");

    /** The request, the visibility question, and where it goes once allowed. */
    record Target(Operation operation, Operation visibility, UpstreamRoute route, WarrantException unknown) {
    }

    private final UpstreamRegistry upstreams;

    FeatureTargets(UpstreamRegistry upstreams) {
        this.upstreams = upstreams;
    }

    Target resolve(McpExchange exchange) {
        JsonObject params = exchange.request().params();
        String method = exchange.method();
        Map<String, Object> wire = JsonValues.toPlainMap(params);
        if (method.startsWith("resources/")) {
            String uri = requireString(params.getValue("uri"), "'uri'");
            return resource(exchange, method, uri, wire);
        }
        if (method.equals("prompts/get")) {
            String name = requireString(params.getValue("name"), "'name'");
            Object arguments = params.getValue("arguments");
            if (arguments != null && !(arguments instanceof JsonObject)) {
                throw WarrantException.of(Reason.INVALID_PARAMS, "'arguments' must be an object");
            }
            PromptEntry prompt = prompt(exchange, name);
            wire.put("name", prompt.name());
            Map<String, Object> args = arguments == null ? Map.of() : ((JsonObject) arguments).getMap();
            return new Target(Operation.prompt(method, prompt.server(), prompt.name(), args, peer(exchange)),
                    Operation.listPrompt(prompt.server(), prompt.name(), peer(exchange)),
                    new UpstreamRoute(prompt.server(), method, wire), WarrantException.of(Reason.UNKNOWN_PROMPT, name));
        }
        // completion/complete: the ref names a prompt or a resource (template); completing its arguments is
        // decided like using it, without arguments (the value being completed is partial by nature).
        if (!(params.getValue("ref") instanceof JsonObject ref)) {
            throw WarrantException.of(Reason.INVALID_PARAMS, "completion/complete needs a 'ref' object");
        }
        Object type = ref.getValue("type");
        if ("ref/prompt".equals(type)) {
            String name = requireString(ref.getValue("name"), "'ref.name'");
            PromptEntry prompt = prompt(exchange, name);
            Map<String, Object> wireRef = JsonValues.toPlainMap(ref);
            wireRef.put("name", prompt.name());
            wire.put("ref", wireRef);
            return new Target(Operation.prompt(method, prompt.server(), prompt.name(), Map.of(), peer(exchange)),
                    Operation.listPrompt(prompt.server(), prompt.name(), peer(exchange)),
                    new UpstreamRoute(prompt.server(), method, wire), WarrantException.of(Reason.UNKNOWN_PROMPT, name));
        }
        if ("ref/resource".equals(type)) {
            return resource(exchange, method, requireString(ref.getValue("uri"), "'ref.uri'"), wire);
        }
        throw WarrantException.of(Reason.INVALID_PARAMS, "'ref.type' must be ref/prompt or ref/resource");
    }

    private Target resource(McpExchange exchange, String method, String uri, Map<String, Object> wire) {
        String server = exchange.virtualServer() != null ? exchange.virtualServer()
                : upstreams.features().serverForUri(uri);
        if (server == null) {
            throw WarrantException.of(Reason.UNKNOWN_RESOURCE, uri);
        }
        return new Target(Operation.resource(method, server, uri, peer(exchange)),
                Operation.listResource("resources/list", server, uri, peer(exchange)),
                new UpstreamRoute(server, method, wire), WarrantException.of(Reason.UNKNOWN_RESOURCE, uri));
    }

    private PromptEntry prompt(McpExchange exchange, String name) {
        FeatureCatalogView features = upstreams.features();
        String key = exchange.virtualServer() == null ? name : ToolEntry.expose(exchange.virtualServer(), name);
        PromptEntry prompt = features.prompt(key);
        // "a" + "b__c" and "a__b" + "c" expose alike: on a virtual server only that server's prompts count.
        if (prompt == null || (exchange.virtualServer() != null && !prompt.server().equals(exchange.virtualServer()))) {
            throw WarrantException.of(Reason.UNKNOWN_PROMPT, name);
        }
        return prompt;
    }

    private static String requireString(Object value, String what) {
        if (!(value instanceof String s)) {
            throw WarrantException.of(Reason.INVALID_PARAMS, what + " must be a string");
        }
        return s;
    }

    private static Optional<String> peer(McpExchange exchange) {
        return exchange.http().peer();
    }
}
