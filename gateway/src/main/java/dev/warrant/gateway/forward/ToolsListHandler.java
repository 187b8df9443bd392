package dev.warrant.gateway.forward;

import dev.warrant.gateway.builtin.BuiltinTool;
import dev.warrant.gateway.builtin.BuiltinTools;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.upstream.ToolEntry;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import dev.warrant.policies.Operation;
import dev.warrant.policies.PolicyEngine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code tools/list}: every upstream tool the caller may call, under its exposed name, with the upstream's
 * definition otherwise untouched. Each tool is decided with the same function as a call (docs/ARCHITECTURE.md §4.2).
 * The gateway's own {@code warrant__*} tools act only on the caller's token and are always listed on
 * {@code /mcp}. On {@code /servers/{name}/mcp} only that upstream's tools appear, under their own names.
 * Answered in pages of {@code pageSize} ({@link ListPage}).
 */
public final class ToolsListHandler implements ForwardStage.MethodHandler {

    private final UpstreamRegistry upstreams;
    private final PolicyEngine engine;
    private final BuiltinTools builtins;
    private final int pageSize;

    public ToolsListHandler(UpstreamRegistry upstreams, PolicyEngine engine, BuiltinTools builtins) {
        this(upstreams, engine, builtins, ListPage.DEFAULT_PAGE_SIZE);
    }

    /** @param pageSize tools per page ({@code lists.pageSize}); more are reached with {@code nextCursor} */
    public ToolsListHandler(UpstreamRegistry upstreams, PolicyEngine engine, BuiltinTools builtins, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1");
        }
        this.upstreams = upstreams;
        this.engine = engine;
        this.builtins = builtins;
        this.pageSize = pageSize;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange) {
        Collection<ToolEntry> catalog = upstreams.catalog().all();
        return ListWork.run(catalog.size(), () -> list(exchange, catalog));
    }

    private JsonObject list(McpExchange exchange, Collection<ToolEntry> catalog) {
        JsonArray tools = new JsonArray();
        String server = exchange.virtualServer();
        for (ToolEntry tool : catalog) {
            if (server != null && !tool.server().equals(server)) {
                continue;
            }
            boolean visible = engine.decide(exchange.token(),
                    Operation.listTool(tool.server(), tool.name(), tool.risk(), exchange.http().peer())).allowed();
            if (visible) {
                Map<String, Object> definition = new LinkedHashMap<>(tool.definition());
                definition.put("name", server == null ? tool.exposedName() : tool.name());
                tools.add(new JsonObject(definition));
            }
        }
        if (server == null) {
            for (BuiltinTool builtin : builtins.all()) {
                tools.add(builtin.definition());
            }
        }
        // The whole visible list is decided on every page (rights may have changed); the cursor only slices it.
        return ListPage.of("tools", tools, "tools/list " + server, exchange.request().params(), pageSize);
    }
}
