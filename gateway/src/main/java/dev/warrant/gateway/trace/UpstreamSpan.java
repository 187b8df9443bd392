package dev.warrant.gateway.trace;

import dev.warrant.adapters.HttpUpstreamSpec;
import dev.warrant.adapters.StdioUpstreamSpec;
import dev.warrant.adapters.Upstream;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.otel.McpAttributes;
import dev.warrant.otel.MetaPropagation;
import dev.warrant.otel.Telemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;

import java.util.Map;
import java.util.function.Predicate;

/**
 * The CLIENT side of one upstream call (docs/OBSERVABILITY.md): a span named {@code {method} {target}} under the
 * request's SERVER span, the trace context for {@code params._meta}, and the client duration and error
 * metrics when it ends. Any forwarder (tools, resources, prompts) uses it the same way:
 * {@code start} before sending, {@link #inject} the params, then {@link #succeeded} or {@link #failed}.
 */
public final class UpstreamSpan {

    private static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");

    private final Telemetry telemetry;
    private final Span span;
    private final Context context;
    private final String method;
    private final String server;
    private final String tool;
    private final long startNanos = System.nanoTime();

    private UpstreamSpan(Telemetry telemetry, Span span, Context context, String method, String server, String tool) {
        this.telemetry = telemetry;
        this.span = span;
        this.context = context;
        this.method = method;
        this.server = server;
        this.tool = tool;
    }

    /**
     * @param target the upstream's own name of the tool, prompt or resource (null when the method has none)
     * @param tool   the upstream's tool name for {@code tools/call}, else null
     */
    public static UpstreamSpan start(Telemetry telemetry, McpExchange exchange, Upstream upstream, String method,
                                     String target, String tool) {
        String server = upstream.spec().name();
        SpanBuilder builder = telemetry.tracer().spanBuilder(target == null ? method : method + " " + target)
                .setSpanKind(SpanKind.CLIENT)
                .setParent(exchange.traceContext())
                .setAttribute(McpAttributes.MCP_METHOD_NAME, method)
                .setAttribute(McpAttributes.WARRANT_UPSTREAM, server);
        if (tool != null) {
            builder.setAttribute(McpAttributes.GEN_AI_TOOL_NAME, tool);
            builder.setAttribute(McpAttributes.GEN_AI_OPERATION_NAME, McpAttributes.OPERATION_EXECUTE_TOOL);
        }
        if (upstream.spec() instanceof StdioUpstreamSpec) {
            // OTel network.transport: a stdio child process is reached over a pipe and has no address.
            builder.setAttribute(McpAttributes.NETWORK_TRANSPORT, "pipe");
        } else {
            builder.setAttribute(McpAttributes.NETWORK_TRANSPORT, "tcp");
            if (upstream.spec() instanceof HttpUpstreamSpec http && http.url().getHost() != null) {
                builder.setAttribute(McpAttributes.SERVER_ADDRESS, http.url().getHost());
                int port = http.url().getPort() != -1 ? http.url().getPort()
                        : "https".equalsIgnoreCase(http.url().getScheme()) ? 443 : 80;
                builder.setAttribute(SERVER_PORT, (long) port);
            }
        }
        Span span = builder.startSpan();
        return new UpstreamSpan(telemetry, span, exchange.traceContext().with(span), method, server, tool);
    }

    /**
     * A copy of the params whose {@code _meta} carries this span as the upstream's parent, without the caller's
     * {@code _meta} entries {@code drop} names.
     */
    public Map<String, Object> inject(Map<String, Object> params, Predicate<String> drop) {
        return MetaPropagation.inject(telemetry.propagator(), context, params, drop);
    }

    public void succeeded() {
        span.end();
        telemetry.metrics().clientOperation(method, server, tool, null, seconds());
    }

    /** @param errorType Warrant's reason code for the failure, e.g. {@code upstream_timeout} */
    public void failed(String errorType) {
        span.setAttribute(McpAttributes.ERROR_TYPE, errorType);
        span.setStatus(StatusCode.ERROR, errorType);
        span.end();
        telemetry.metrics().clientOperation(method, server, tool, errorType, seconds());
    }

    private double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
