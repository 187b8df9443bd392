package dev.warrant.gateway.trace;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.Stage;
import dev.warrant.gateway.pipeline.StageKind;
import dev.warrant.otel.McpAttributes;
import dev.warrant.otel.MetaPropagation;
import dev.warrant.otel.Telemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Starts the SERVER span of an authenticated request so that the trace spans the delegation chain
 * (docs/OBSERVABILITY.md): the parent is the request's own context (HTTP traceparent, else {@code params._meta}), else
 * the latest hop's recorded {@code trace(...)}; every hop's recorded context is also a span link. Runs
 * after authentication because only a verified token's hops may shape the trace.
 */
public final class TraceStage implements Stage {

    private static final int MAX_KNOWN_HOPS = 10_000;

    private final Telemetry telemetry;
    private final Map<String, SpanContext> hopLinks = new ConcurrentHashMap<>();

    public TraceStage(Telemetry telemetry) {
        this.telemetry = telemetry;
    }

    @Override
    public StageKind kind() {
        return StageKind.TRACE;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
        VerifiedToken token = exchange.token();
        List<String> hops = token == null ? List.of() : token.traceContexts();
        List<SpanContext> links = new ArrayList<>(hops.size());
        for (String hop : hops) {
            SpanContext link = hopLink(hop);
            if (link.isValid()) {
                links.add(link);
            }
        }
        Span span = startServerSpan(telemetry, exchange, links);
        exchange.span(span, Context.root().with(span));
        return chain.proceed(exchange);
    }

    /**
     * A hop's recorded traceparent as a span context, parsed once: a token's hops are the same on each of its
     * calls, and parsing them through the whole propagator cost per hop per call (docs/PERFORMANCE-HISTORY.md).
     * Bounded: past {@link #MAX_KNOWN_HOPS} a hop is parsed each time.
     */
    private SpanContext hopLink(String traceparent) {
        SpanContext known = hopLinks.get(traceparent);
        if (known == null) {
            known = Span.fromContext(MetaPropagation.fromTraceparent(telemetry.propagator(), traceparent))
                    .getSpanContext();
            if (hopLinks.size() < MAX_KNOWN_HOPS) {
                hopLinks.putIfAbsent(traceparent, known);
            }
        }
        return known;
    }

    /**
     * Starts (does not end) the SERVER span for an exchange, linked to the delegation hops' recorded contexts
     * ({@code links}, valid ones only); also used for requests refused before this stage.
     */
    public static Span startServerSpan(Telemetry telemetry, McpExchange ex, List<SpanContext> links) {
        TextMapPropagator propagator = telemetry.propagator();
        Context parent = requestContext(propagator, ex);
        if (!Span.fromContext(parent).getSpanContext().isValid() && !links.isEmpty()) {
            parent = Context.root().with(Span.wrap(links.get(links.size() - 1)));
        }
        String target = target(ex);
        SpanBuilder builder = telemetry.tracer()
                .spanBuilder(target == null ? ex.method() : ex.method() + " " + target)
                .setSpanKind(SpanKind.SERVER)
                .setParent(parent)
                .setStartTimestamp(ex.startEpochNanos(), TimeUnit.NANOSECONDS)
                .setAttribute(McpAttributes.MCP_METHOD_NAME, ex.method())
                .setAttribute(McpAttributes.JSONRPC_REQUEST_ID, String.valueOf(ex.request().id()));
        if ("tools/call".equals(ex.method()) && target != null) {
            builder.setAttribute(McpAttributes.GEN_AI_TOOL_NAME, target);
            builder.setAttribute(McpAttributes.GEN_AI_OPERATION_NAME, McpAttributes.OPERATION_EXECUTE_TOOL);
        }
        for (SpanContext link : links) {
            builder.addLink(link);
        }
        return builder.startSpan();
    }

    private static Context requestContext(TextMapPropagator propagator, McpExchange ex) {
        Map<String, String> headers = ex.http().traceHeaders();
        if (headers.containsKey("traceparent")) {
            Context fromHeader = propagator.extract(Context.root(), headers, MapGetter.INSTANCE);
            if (Span.fromContext(fromHeader).getSpanContext().isValid()) {
                return fromHeader;
            }
        }
        Object meta = ex.request().params().getValue("_meta");
        if (meta instanceof JsonObject m) {
            return MetaPropagation.extract(propagator, m.getMap());
        }
        return Context.root();
    }

    /** The operation's target for span names and audit: the tool, prompt or resource the request names. */
    public static String target(McpExchange ex) {
        JsonObject params = ex.request().params();
        Object name = params.getValue("name");
        if (name instanceof String s) {
            return s;
        }
        Object uri = params.getValue("uri");
        if (uri instanceof String s) {
            return s;
        }
        // tasks/*: the agent's task handle (the audit line's correlation id leads to the call that made it).
        Object task = params.getValue("taskId");
        return task instanceof String s ? s : null;
    }

    private enum MapGetter implements io.opentelemetry.context.propagation.TextMapGetter<Map<String, String>> {
        INSTANCE;

        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    }
}
