package dev.warrant.otel;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

import java.util.HashMap;
import java.util.Map;

/**
 * Owns the OpenTelemetry instance of one gateway process.
 *
 * <p>Exporters are chosen by the standard {@code OTEL_*} environment variables and system properties
 * (autoconfigure). Unlike the SDK's own defaults, Warrant exports nothing unless told to: an operator who
 * sets no variable gets no surprise network traffic to localhost:4318.
 */
public final class Telemetry implements AutoCloseable {

    public static final String INSTRUMENTATION_SCOPE = "dev.warrant";

    private final OpenTelemetry openTelemetry;
    private final OpenTelemetrySdk sdkToClose;
    private final Tracer tracer;

    private Telemetry(OpenTelemetry openTelemetry, OpenTelemetrySdk sdkToClose) {
        this.openTelemetry = openTelemetry;
        this.sdkToClose = sdkToClose;
        this.tracer = openTelemetry.getTracer(INSTRUMENTATION_SCOPE);
    }

    /**
     * Configures the SDK from {@code OTEL_*} variables with Warrant's defaults underneath them.
     *
     * @param instanceId the cluster member id, exported as {@code service.instance.id}
     */
    public static Telemetry autoConfigured(String instanceId) {
        Map<String, String> defaults = new HashMap<>();
        defaults.put("otel.traces.exporter", "none");
        defaults.put("otel.metrics.exporter", "none");
        defaults.put("otel.logs.exporter", "none");
        defaults.put("otel.service.name", "warrant");
        defaults.put("otel.resource.attributes", "service.instance.id=" + instanceId);
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults)
                .addTracerProviderCustomizer((builder, config) -> builder.addSpanProcessor(TraceIdsOnly.INSTANCE))
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
        return new Telemetry(sdk, sdk);
    }

    /** Wraps an instance the caller owns (tests hand in an SDK with an in-memory exporter). */
    public static Telemetry of(OpenTelemetry openTelemetry) {
        return new Telemetry(openTelemetry, null);
    }

    /** Records nothing; for tools (CLI) that never serve requests. */
    public static Telemetry noop() {
        return new Telemetry(OpenTelemetry.noop(), null);
    }

    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    public Tracer tracer() {
        return tracer;
    }

    public TextMapPropagator propagator() {
        return openTelemetry.getPropagators().getTextMapPropagator();
    }

    @Override
    public void close() {
        if (sdkToClose != null) {
            sdkToClose.close();
        }
    }
}
