package dev.warrant.gateway.record;

import dev.warrant.gateway.pipeline.McpExchange;

import java.util.List;

/**
 * Sees every request once its outcome is known — allowed, denied, failed upstream or refused token
 * (docs/ARCHITECTURE.md §9, like Vert.x's {@code VertxTracer.NOOP} or OkHttp's {@code EventListener}). Implementations
 * must be fast and must not throw; {@link #NOOP} does nothing. The OpenTelemetry one is
 * {@link TelemetryObserver}.
 */
public interface GatewayObserver {

    /** Called on the request's context after the pipeline finished, before the audit record is written. */
    void completed(McpExchange exchange, Outcome outcome);

    GatewayObserver NOOP = (exchange, outcome) -> { };

    /** All of {@code observers}, in order; one that throws does not keep the others from seeing the request. */
    static GatewayObserver all(GatewayObserver... observers) {
        List<GatewayObserver> list = List.of(observers);
        return (exchange, outcome) -> {
            RuntimeException first = null;
            for (GatewayObserver o : list) {
                try {
                    o.completed(exchange, outcome);
                } catch (RuntimeException e) {
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw first;
            }
        };
    }

    /**
     * What RecordStage concluded about a request.
     *
     * @param decision  allow, deny or error
     * @param reason    the stable reason code ({@code allowed} when allowed)
     * @param errorType the reason code of the failure, null when the request succeeded
     * @param endEpochNanos when the request ended
     */
    record Outcome(String decision, String reason, String errorType, long endEpochNanos) {
    }
}
