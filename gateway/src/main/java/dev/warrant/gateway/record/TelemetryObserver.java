package dev.warrant.gateway.record;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.trace.TraceStage;
import dev.warrant.otel.McpAttributes;
import dev.warrant.otel.Telemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ends each request's SERVER span with the Warrant attributes (caller, chain, depth, task, decision, reason)
 * and records the server duration and decision metrics.
 */
public final class TelemetryObserver implements GatewayObserver {

    private final Telemetry telemetry;

    public TelemetryObserver(Telemetry telemetry) {
        this.telemetry = telemetry;
    }

    @Override
    public void completed(McpExchange ex, Outcome outcome) {
        if (ex.span() == null) {
            // Refused before TraceStage ran (e.g. no token): still one span, parented by the request's context,
            // and its trace id still reaches the audit record.
            Span early = TraceStage.startServerSpan(telemetry, ex, List.of());
            ex.span(early, Context.root().with(early));
        }
        Span span = ex.span();
        span.setAttribute(McpAttributes.WARRANT_DECISION, outcome.decision());
        span.setAttribute(McpAttributes.WARRANT_REASON, outcome.reason());
        VerifiedToken token = ex.token();
        if (token != null) {
            span.setAttribute(McpAttributes.WARRANT_CALLER, token.caller());
            span.setAttribute(McpAttributes.WARRANT_CHAIN, token.chain());
            span.setAttribute(McpAttributes.WARRANT_DEPTH, (long) token.depth());
            token.task().ifPresent(t -> span.setAttribute(McpAttributes.WARRANT_TASK, t));
            token.identity().ifPresent(i -> {
                span.setAttribute(McpAttributes.WARRANT_IDENTITY_ISSUER, i.issuer());
                span.setAttribute(McpAttributes.WARRANT_IDENTITY_SUBJECT, i.subject());
            });
        }
        if (ex.session() != null) {
            span.setAttribute(McpAttributes.MCP_SESSION_ID, ex.session().id());
        }
        if (ex.protocolVersion() != null) {
            span.setAttribute(McpAttributes.MCP_PROTOCOL_VERSION, ex.protocolVersion());
        }
        if (outcome.errorType() != null) {
            span.setAttribute(McpAttributes.ERROR_TYPE, outcome.errorType());
            span.setStatus(StatusCode.ERROR, outcome.errorType());
        }
        span.end(outcome.endEpochNanos(), TimeUnit.NANOSECONDS);

        double seconds = Math.max(0, outcome.endEpochNanos() - ex.startEpochNanos()) / 1e9;
        telemetry.metrics().serverOperation(ex.method(), outcome.decision(), outcome.errorType(), seconds);
        telemetry.metrics().decision(outcome.decision(), outcome.reason());
    }
}
