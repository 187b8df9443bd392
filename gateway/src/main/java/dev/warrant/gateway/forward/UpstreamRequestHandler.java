package dev.warrant.gateway.forward;

import dev.warrant.adapters.Upstream;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.trace.UpstreamSpan;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import dev.warrant.gateway.upstream.UpstreamRoute;
import dev.warrant.otel.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * Forwards an authorized resources/prompts/completion request along the route AuthorizeStage fixed, and
 * hands back the upstream's result object untouched (fidelity). Progress for the request is relayed to the
 * caller; {@code notifications/cancelled} from the caller reaches the upstream through the session.
 *
 * <p>Concurrency: like {@link ToolsCallHandler}, the result is brought back to the caller's context.
 */
public final class UpstreamRequestHandler implements ForwardStage.MethodHandler {

    private final UpstreamRegistry upstreams;
    private final Telemetry telemetry;

    private final InputRounds rounds;

    UpstreamRequestHandler(UpstreamRegistry upstreams, Telemetry telemetry, InputRounds rounds) {
        this.upstreams = upstreams;
        this.telemetry = telemetry;
        this.rounds = rounds;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange) {
        UpstreamRoute route = exchange.route();
        if (route == null) {
            // AuthorizeStage fixes the route of every allowed request it decides; reaching here without one is a bug.
            throw new IllegalStateException(exchange.method() + " reached forward without an authorized route");
        }
        return forward(exchange, route.server(), route.method(), route.params());
    }

    /** Sends one request to {@code server} on behalf of the exchange; the raw result comes back as JSON. */
    Future<JsonObject> forward(McpExchange exchange, String server, String method, Map<String, Object> params) {
        Upstream upstream = upstreams.upstream(server);
        if (upstream == null || !upstream.isOpen()) {
            throw WarrantException.of(Reason.UPSTREAM_UNAVAILABLE, server);
        }
        // A CLIENT span per upstream call, its context in params._meta (docs/OBSERVABILITY.md), like tools/call.
        if (InputRounds.METHODS.contains(method)) {
            return rounds.send(exchange, upstream, () -> UpstreamSpan.start(telemetry, exchange, upstream, method,
                    target(params), null), method, target(params), params);
        }
        UpstreamSpan client = UpstreamSpan.start(telemetry, exchange, upstream, method, target(params), null);
        return UpstreamExchange.send(exchange, upstream, client, method, params);
    }

    /** The prompt name or resource URI a request names, for the span name. */
    private static String target(Map<String, Object> params) {
        if (params == null) {
            return null;
        }
        Object name = params.get("name");
        if (name instanceof String s) {
            return s;
        }
        Object uri = params.get("uri");
        return uri instanceof String s ? s : null;
    }
}
