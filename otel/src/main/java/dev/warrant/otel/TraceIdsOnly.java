package dev.warrant.otel;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * A span processor that does nothing. OpenTelemetry SDK 1.68 hands out no-op spans (all-zero ids) when a
 * tracer provider has no processor at all, which is what {@code OTEL_TRACES_EXPORTER=none} gives. Warrant
 * needs real trace ids even when nothing is exported: the audit log records them, delegation hops record
 * them ({@code trace(...)}), and upstreams receive them in {@code _meta}. Registering this processor keeps
 * spans real at the cost of creating them.
 */
enum TraceIdsOnly implements SpanProcessor {
    INSTANCE;

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
    }

    @Override
    public boolean isStartRequired() {
        return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
    }

    @Override
    public boolean isEndRequired() {
        return false;
    }
}
