package dev.warrant.gateway.forward;

import dev.warrant.adapters.FeatureLists;
import dev.warrant.adapters.Upstream;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.json.JsonValues;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code logging/setLevel}: passed to the upstreams of the endpoint that declare the {@code logging}
 * capability. On {@code /servers/{name}/mcp} the upstream's answer (or error) comes back as it is; on
 * {@code /mcp} it goes to every such upstream and the gateway answers once all have replied (an upstream
 * that refuses is logged, the others keep the level).
 *
 * <p>Limit: the gateway holds one connection per upstream for all agents, so the level an upstream
 * applies is the last one any agent set. The session's own level is remembered, and log messages relayed to
 * it below that level are dropped ({@link SessionRelay}).
 */
public final class SetLevelHandler implements ForwardStage.MethodHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SetLevelHandler.class);
    /** RFC 5424 severities, least severe first: MCP's log levels, in both eras. */
    public static final List<String> LEVELS = List.of("debug", "info", "notice", "warning", "error", "critical",
            "alert", "emergency");

    private final UpstreamRegistry upstreams;
    private final UpstreamRequestHandler forwarder;

    public SetLevelHandler(UpstreamRegistry upstreams, UpstreamRequestHandler forwarder) {
        this.upstreams = upstreams;
        this.forwarder = forwarder;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange) {
        Object level = exchange.request().params().getValue("level");
        if (!(level instanceof String l) || !LEVELS.contains(l)) {
            throw WarrantException.of(Reason.INVALID_PARAMS, "'level' must be one of " + LEVELS);
        }
        if (exchange.session() != null) {
            // Log messages relayed to this session are filtered by its own level (SessionRelay), whatever
            // level another agent left on the shared upstream connection.
            exchange.session().logLevel(l);
        }
        Map<String, Object> params = JsonValues.toPlainMap(exchange.request().params());
        String server = exchange.virtualServer();
        if (server != null) {
            Upstream upstream = upstreams.upstream(server);
            if (upstream == null || !FeatureLists.hasCapability(upstream, "logging")) {
                return Future.succeededFuture(new JsonObject());
            }
            return forwarder.forward(exchange, server, "logging/setLevel", params);
        }
        List<Future<Map<String, Object>>> sent = new ArrayList<>();
        for (String name : upstreams.names()) {
            Upstream upstream = upstreams.upstream(name);
            if (upstream != null && upstream.isOpen() && FeatureLists.hasCapability(upstream, "logging")) {
                sent.add(Future.fromCompletionStage(upstream.call("logging/setLevel", params, null).result())
                        .onFailure(e -> LOG.info("upstream {} refused logging/setLevel: {}", name, e.toString())));
            }
        }
        return Future.join(sent).transform(all -> Future.succeededFuture(new JsonObject()));
    }
}
